import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { LOGIN_ROLES } from '../platform/config.js';
import { type FieldError, notFound, validationError } from '../platform/http/errors.js';
import { errors, IdParams } from '../platform/http/schemas.js';
import { checkTemplate, renderTemplate } from './calculate-template.js';
import { EVENT_DEFINITIONS, NOTIFICATION_EVENTS, type NotificationEvent, sampleData } from './events.js';
import { countUnread, loadPreferences, loadTemplate, notificationView } from './notification-store.js';

const ANY_USER = { auth: { roles: LOGIN_ROLES } };
const ADMIN = { auth: { roles: ['admin' as const] } };

const EventT = Type.Union(
  NOTIFICATION_EVENTS.map((e) => Type.Literal(e)),
  { description: 'The notification event' },
);
const EventParams = Type.Object({ event: EventT }, { additionalProperties: false });

const NotificationView = Type.Object({
  id: Type.String(),
  event: Type.String(),
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  readAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  emailStatus: Type.Union([
    Type.Literal('off'),
    Type.Literal('pending'),
    Type.Literal('sent'),
    Type.Literal('failed'),
  ]),
});

const PreferenceView = Type.Object({
  event: Type.String(),
  label: Type.String(),
  inApp: Type.Boolean(),
  email: Type.Boolean(),
});

const TemplateView = Type.Object({
  event: Type.String(),
  label: Type.String(),
  description: Type.String(),
  placeholders: Type.Array(Type.String()),
  subject: Type.String(),
  body: Type.String(),
  overridden: Type.Boolean(),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  defaultSubject: Type.String(),
  defaultBody: Type.String(),
});

const TemplateBody = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);

/** 400 naming each field with an unknown placeholder or a stray brace; nothing is written. */
function checkTemplateOrThrow(event: NotificationEvent, t: { subject: string; body: string }): void {
  const allowed = EVENT_DEFINITIONS[event].placeholders;
  const fields: FieldError[] = [];
  for (const key of ['subject', 'body'] as const) {
    const c = checkTemplate(t[key], allowed);
    if (c.kind === 'invalid')
      for (const e of c.errors) fields.push({ path: `/${key}`, message: e.message, in: 'body' });
  }
  if (fields.length)
    throw validationError(fields, 'The template uses an unknown placeholder or a stray brace.');
}

async function templateView(db: Parameters<typeof loadTemplate>[0], event: NotificationEvent) {
  const t = await loadTemplate(db, event);
  const d = EVENT_DEFINITIONS[event];
  return {
    event,
    label: d.label,
    description: d.description,
    placeholders: [...d.placeholders],
    subject: t.subject,
    body: t.body,
    overridden: t.overridden,
    updatedAt: t.updatedAt?.toISOString() ?? null,
    defaultSubject: d.subject,
    defaultBody: d.body,
  };
}

/**
 * In-app notifications of the signed-in user (staff and partners: only their own; another user's is 404),
 * their preferences per event, and the operator's templates (admin).
 */
export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.get(
    '/notifications',
    {
      config: ANY_USER,
      schema: {
        tags: ['notifications'],
        summary: 'Your in-app notifications, newest first, and how many are unread',
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            before: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(NotificationView), unread: Type.Integer() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const me = userOf(req);
      let q = s.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', me.userId)
        .where('in_app', '=', true)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(req.query.limit ?? 50);
      if (req.query.unread) q = q.where('read_at', 'is', null);
      if (req.query.before) q = q.where('created_at', '<', new Date(req.query.before));
      const [rows, unread] = await Promise.all([q.execute(), countUnread(s.db, me.userId)]);
      return { items: rows.map(notificationView), unread };
    },
  );

  app.get(
    '/notifications/unread-count',
    {
      config: ANY_USER,
      schema: {
        tags: ['notifications'],
        summary: 'How many of your in-app notifications are unread (the bell)',
        response: { 200: Type.Object({ unread: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req) => ({ unread: await countUnread(s.db, userOf(req).userId) }),
  );

  app.post(
    '/notifications/:id/read',
    {
      config: ANY_USER,
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of your notifications read (another user’s is 404)',
        params: IdParams,
        response: { 200: NotificationView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const row = await writeAudited(s, async (trx, now) => {
        const n = await trx
          .selectFrom('notifications')
          .selectAll()
          .where('id', '=', req.params.id)
          .where('user_id', '=', me.userId)
          .where('in_app', '=', true)
          .forUpdate()
          .executeTakeFirst();
        if (!n) throw notFound('Notification');
        if (n.read_at) return n;
        const after = await trx
          .updateTable('notifications')
          .set({ read_at: now })
          .where('id', '=', n.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'notification.read', entityType: 'notification', entityId: n.id, detail: { count: 1 } },
          now,
        );
        return after;
      });
      return notificationView(row);
    },
  );

  app.post(
    '/notifications/read-all',
    {
      config: ANY_USER,
      schema: {
        tags: ['notifications'],
        summary: 'Mark all your notifications read',
        response: { 200: Type.Object({ marked: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const marked = await writeAudited(s, async (trx, now) => {
        const rows = await trx
          .updateTable('notifications')
          .set({ read_at: now })
          .where('user_id', '=', me.userId)
          .where('in_app', '=', true)
          .where('read_at', 'is', null)
          .returning('id')
          .execute();
        if (rows.length)
          await appendAudit(
            trx,
            actorOf(req),
            {
              action: 'notification.read',
              entityType: 'notification',
              entityId: null,
              detail: { count: rows.length },
            },
            now,
          );
        return rows.length;
      });
      return { marked };
    },
  );

  app.get(
    '/notification-preferences',
    {
      config: ANY_USER,
      schema: {
        tags: ['notifications'],
        summary:
          'Your notification preferences per event (in-app and e-mail; both on unless you turned them off)',
        response: { 200: Type.Object({ items: Type.Array(PreferenceView) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ items: await loadPreferences(s.db, userOf(req).userId) }),
  );

  app.put(
    '/notification-preferences',
    {
      config: ANY_USER,
      schema: {
        tags: ['notifications'],
        summary: 'Change your notification preferences (the events listed; others keep theirs)',
        body: Type.Object(
          {
            items: Type.Array(
              Type.Object(
                { event: EventT, inApp: Type.Boolean(), email: Type.Boolean() },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: NOTIFICATION_EVENTS.length },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PreferenceView) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const events = req.body.items.map((i) => i.event);
      const dup = events.findIndex((e, i) => events.indexOf(e) !== i);
      if (dup >= 0)
        throw validationError([{ path: `/items/${dup}/event`, message: 'is listed twice', in: 'body' }]);
      const items = await writeAudited(s, async (trx, now) => {
        const before = await loadPreferences(trx, me.userId);
        for (const i of req.body.items) {
          await trx
            .insertInto('notification_preferences')
            .values({ user_id: me.userId, event: i.event, in_app: i.inApp, email: i.email, updated_at: now })
            .onConflict((oc) =>
              oc
                .columns(['user_id', 'event'])
                .doUpdateSet({ in_app: i.inApp, email: i.email, updated_at: now }),
            )
            .execute();
        }
        const after = await loadPreferences(trx, me.userId);
        const compact = (p: typeof before) =>
          Object.fromEntries(
            p.map((x) => [x.event, `${x.inApp ? 'in-app' : '-'}/${x.email ? 'e-mail' : '-'}`]),
          );
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'notification_preferences.updated',
            entityType: 'user',
            entityId: me.userId,
            before: compact(before),
            after: compact(after),
          },
          now,
        );
        return after;
      });
      return { items };
    },
  );

  app.get(
    '/notification-templates',
    {
      config: ADMIN,
      schema: {
        tags: ['notifications'],
        summary:
          'Every event’s template in force (the operator’s override or the default), with its placeholders',
        response: { 200: Type.Object({ items: Type.Array(TemplateView) }), ...errors(401, 403) },
      },
    },
    async () => ({ items: await Promise.all(NOTIFICATION_EVENTS.map((e) => templateView(s.db, e))) }),
  );

  app.get(
    '/notification-templates/:event',
    {
      config: ADMIN,
      schema: {
        tags: ['notifications'],
        summary: 'One event’s template in force',
        params: EventParams,
        response: { 200: TemplateView, ...errors(400, 401, 403) },
      },
    },
    async (req) => templateView(s.db, req.params.event),
  );

  app.put(
    '/notification-templates/:event',
    {
      config: ADMIN,
      schema: {
        tags: ['notifications'],
        summary:
          'Override an event’s template; `{placeholder}` must be one of the event’s placeholders (else 400 naming the field)',
        params: EventParams,
        body: TemplateBody,
        response: { 200: TemplateView, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const event = req.params.event;
      checkTemplateOrThrow(event, req.body);
      const me = userOf(req);
      await writeAudited(s, async (trx, now) => {
        const before = await loadTemplate(trx, event);
        await trx
          .insertInto('notification_templates')
          .values({
            event,
            subject: req.body.subject,
            body: req.body.body,
            updated_by: me.userId,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.column('event').doUpdateSet({
              subject: req.body.subject,
              body: req.body.body,
              updated_by: me.userId,
              updated_at: now,
            }),
          )
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'notification_template.updated',
            entityType: 'notification_template',
            entityId: event,
            before: { subject: before.subject, body: before.body },
            after: { subject: req.body.subject, body: req.body.body },
          },
          now,
        );
      });
      return templateView(s.db, event);
    },
  );

  app.delete(
    '/notification-templates/:event',
    {
      config: ADMIN,
      schema: {
        tags: ['notifications'],
        summary: 'Drop the override: the default template applies again',
        params: EventParams,
        response: { 200: TemplateView, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const event = req.params.event;
      await writeAudited(s, async (trx, now) => {
        const gone = await trx
          .deleteFrom('notification_templates')
          .where('event', '=', event)
          .returning(['subject', 'body'])
          .executeTakeFirst();
        if (gone)
          await appendAudit(
            trx,
            actorOf(req),
            {
              action: 'notification_template.reset',
              entityType: 'notification_template',
              entityId: event,
              before: { subject: gone.subject, body: gone.body },
            },
            now,
          );
      });
      return templateView(s.db, event);
    },
  );

  app.post(
    '/notification-templates/:event/preview',
    {
      config: ADMIN,
      schema: {
        tags: ['notifications'],
        summary: 'Render a draft template with sample data (nothing is saved); the same checks as saving',
        params: EventParams,
        body: TemplateBody,
        response: {
          200: Type.Object({
            subject: Type.String(),
            body: Type.String(),
            sample: Type.Record(Type.String(), Type.String()),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const event = req.params.event;
      checkTemplateOrThrow(event, req.body);
      const data = sampleData(event);
      return {
        subject: renderTemplate(req.body.subject, data),
        body: renderTemplate(req.body.body, data),
        sample: data,
      };
    },
  );
};
