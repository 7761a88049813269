import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { findUserById } from '../auth/user-store.js';
import { loadPartnerOrThrow, reachFor } from '../partners/partner-store.js';
import { errors, IdParams } from '../platform/http/schemas.js';
import { loadThread, markThreadRead, sendMessage } from './message-store.js';

const MessageView = Type.Object({
  id: Type.String(),
  partnerId: Type.String(),
  side: Type.Union([Type.Literal('partner'), Type.Literal('staff')]),
  senderName: Type.String(),
  mine: Type.Boolean(),
  body: Type.String(),
  readAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
const ThreadView = Type.Object({ items: Type.Array(MessageView), unread: Type.Integer() });
const MessageBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false },
);

/** Who talks with a partner: its partner manager (portfolio only) and admins. */
const STAFF = { auth: { roles: ['admin' as const, 'partner_manager' as const] } };
const PARTNER = { auth: { roles: ['partner' as const] } };

/**
 * Messages between a partner and its partner manager: one thread per partner. Staff reach it through the
 * partner (a manager only within the portfolio, else 404); the partner only its own thread.
 */
export const messageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.get(
    '/partners/:id/messages',
    {
      config: STAFF,
      schema: {
        tags: ['messages'],
        summary:
          "The partner's message thread (oldest first) and how many of the partner's messages are unread",
        params: IdParams,
        response: { 200: ThreadView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const p = await loadPartnerOrThrow(s.db, reachFor(me), req.params.id);
      return loadThread(s.db, p.id, { side: 'staff', userId: me.userId });
    },
  );

  app.post(
    '/partners/:id/messages',
    {
      config: STAFF,
      schema: {
        tags: ['messages'],
        summary: 'Write to the partner (notifies its logins: "message received")',
        params: IdParams,
        body: MessageBody,
        response: { 201: MessageView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const sender = await findUserById(s.db, me.userId);
      const row = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachFor(me), req.params.id);
        return sendMessage(
          trx,
          actorOf(req),
          p,
          {
            side: 'staff',
            senderUserId: me.userId,
            senderName: sender?.display_name ?? me.email,
            body: req.body.body,
          },
          now,
        );
      });
      return reply.status(201).send({
        id: row.id,
        partnerId: row.partner_id,
        side: row.sender_side,
        senderName: sender?.display_name ?? me.email,
        mine: true,
        body: row.body,
        readAt: null,
        createdAt: row.created_at.toISOString(),
      });
    },
  );

  app.post(
    '/partners/:id/messages/read',
    {
      config: STAFF,
      schema: {
        tags: ['messages'],
        summary: "Mark the partner's messages in the thread read",
        params: IdParams,
        response: { 200: Type.Object({ marked: Type.Integer() }), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const marked = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachFor(me), req.params.id);
        return markThreadRead(trx, actorOf(req), p.id, 'staff', now);
      });
      return { marked };
    },
  );

  app.get(
    '/portal/messages',
    {
      config: PARTNER,
      schema: {
        tags: ['portal', 'messages'],
        summary: 'Your thread with your partner manager (oldest first) and how many replies are unread',
        response: { 200: ThreadView, ...errors(401, 403) },
      },
    },
    async (req) => {
      const me = userOf(req);
      return loadThread(s.db, me.partnerId!, { side: 'partner', userId: me.userId });
    },
  );

  app.post(
    '/portal/messages',
    {
      config: PARTNER,
      schema: {
        tags: ['portal', 'messages'],
        summary: 'Write to your partner manager (notifies them: "message received")',
        body: MessageBody,
        response: { 201: MessageView, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const sender = await findUserById(s.db, me.userId);
      const row = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, { kind: 'own', partnerId: me.partnerId! }, me.partnerId!);
        return sendMessage(
          trx,
          actorOf(req),
          p,
          {
            side: 'partner',
            senderUserId: me.userId,
            senderName: sender?.display_name ?? me.email,
            body: req.body.body,
          },
          now,
        );
      });
      return reply.status(201).send({
        id: row.id,
        partnerId: row.partner_id,
        side: row.sender_side,
        senderName: sender?.display_name ?? me.email,
        mine: true,
        body: row.body,
        readAt: null,
        createdAt: row.created_at.toISOString(),
      });
    },
  );

  app.post(
    '/portal/messages/read',
    {
      config: PARTNER,
      schema: {
        tags: ['portal', 'messages'],
        summary: "Mark your partner manager's messages read",
        response: { 200: Type.Object({ marked: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const marked = await writeAudited(s, (trx, now) =>
        markThreadRead(trx, actorOf(req), me.partnerId!, 'partner', now),
      );
      return { marked };
    },
  );
};
