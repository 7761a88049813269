import { createHmac } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendBatchAudit } from '../audit/audit-store.js';
import {
  calculateCanonicalQuery,
  calculateSignedText,
  checkSignature,
} from '../attribution/calculate-signature.js';
import { actorOf, assertBrandAllowed } from '../auth/guard.js';
import { constantTimeEqual } from '../auth/secrets.js';
import type { Brand } from '../platform/db/schema.js';
import { AppError, type FieldError } from '../platform/http/errors.js';
import { errors } from '../platform/http/schemas.js';
import type { Services } from '../platform/services.js';
import {
  ACTIVITY_COLUMNS,
  ACTIVITY_KINDS,
  type ActivityKind,
  validateActivityRow,
} from './activity-kinds.js';
import { ActivityLoader } from './activity-store.js';
import { ingestEvent } from './event-intake.js';
import { parseEvent } from './parse-event.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

const EventResult = Type.Object({
  id: Type.String(),
  duplicate: Type.Boolean(),
  version: Type.Integer(),
  customerId: Type.String({ description: 'pseudonymous customer id' }),
  owner: Type.Union([Type.Object({ partnerId: Type.String(), segment: Type.String() }), Type.Null()]),
});

async function brandByCode(s: Services, code: string, where: string): Promise<Brand> {
  const b = await s.db.selectFrom('brands').selectAll().where('code', '=', code).executeTakeFirst();
  if (!b)
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/brand', message: 'is not a brand code', in: where }],
    });
  return b;
}

/**
 * Who may post an event: an operator API key with `events:write` (brand-restricted keys only for their
 * brands), or a request signed with the brand's secret (HMAC-SHA256 over `timestamp.payload`).
 */
async function authorizeEvent(s: Services, req: FastifyRequest, brand: Brand): Promise<void> {
  const id = req.identity;
  if (id?.kind === 'api_key') {
    if (id.keyKind !== 'operator' || !id.scopes.includes('events:write'))
      throw new AppError('FORBIDDEN', 'This API key lacks the events:write scope.');
    assertBrandAllowed(id, brand.id);
    return;
  }
  if (id?.kind === 'user')
    throw new AppError('FORBIDDEN', 'Events come from the operator platform, not a login.');
  const h = req.headers;
  const q = req.query as Record<string, unknown>;
  const timestamp = (h['x-consort-timestamp'] as string | undefined) ?? (q.timestamp as string | undefined);
  const signature = (h['x-consort-signature'] as string | undefined) ?? (q.signature as string | undefined);
  if (!timestamp && !signature) throw new AppError('UNAUTHENTICATED', 'Send an API key or a signature.');
  const secret = await s.db
    .selectFrom('event_signing_secrets')
    .select('secret')
    .where('brand_id', '=', brand.id)
    .executeTakeFirst();
  let payload: string;
  if (req.method === 'GET') {
    const raw = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    payload = calculateCanonicalQuery([...new URLSearchParams(raw)]);
  } else payload = req.rawBody ?? '';
  const expected =
    secret && timestamp
      ? createHmac('sha256', secret.secret).update(calculateSignedText(timestamp, payload)).digest('hex')
      : undefined;
  const r = checkSignature({
    timestamp,
    signature,
    expected,
    nowSeconds: Math.floor(s.clock().getTime() / 1000),
    toleranceSeconds: s.config.tracking.signatureToleranceSeconds,
    equal: constantTimeEqual,
  });
  if (r.kind !== 'ok') throw new AppError('INVALID_SIGNATURE', undefined, { reason: r.reason });
}

export const intakeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  // keep the raw body for signature checks (this plugin's routes only)
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    if (body === '') return done(null, {});
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(
        new AppError('VALIDATION_FAILED', 'The body is not valid JSON.', {
          fields: [{ path: '', message: 'is not JSON', in: 'body' }],
        }),
        undefined,
      );
    }
  });

  const handler = async (req: FastifyRequest) => {
    const where = req.method === 'GET' ? 'querystring' : 'body';
    const input = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object' || Array.isArray(input))
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: [{ path: '', message: 'must be an object', in: where }],
      });
    const brandCode = typeof input.brand === 'string' ? input.brand : '';
    // authenticate before validating fields, so unauthenticated callers learn nothing
    const brand = brandCode
      ? await s.db.selectFrom('brands').selectAll().where('code', '=', brandCode).executeTakeFirst()
      : undefined;
    if (brand) await authorizeEvent(s, req, brand);
    else if (!req.identity) throw new AppError('UNAUTHENTICATED', 'Send an API key or a signature.');
    const parsed = parseEvent(input, where);
    if (parsed.kind === 'invalid')
      throw new AppError('VALIDATION_FAILED', undefined, { fields: parsed.fields });
    if (!brand) await brandByCode(s, parsed.event.brand, where);
    return ingestEvent(s, actorOf(req), brand!, parsed.event, where);
  };

  const summary =
    'Inbound event (postback) from the operator platform: registration, ftd, deposit, purchase, refund, chargeback, qualification';
  const description =
    'Idempotent on (brand, event_id): an identical repeat answers `duplicate: true`; changed content is a new `version`. ' +
    'Authenticate with an operator API key (`events:write`) or sign with the brand secret: headers `X-Consort-Timestamp` (Unix seconds) ' +
    'and `X-Consort-Signature` = hex HMAC-SHA256 of `timestamp.body` (POST) or `timestamp.sorted query` (GET). See docs/integration.md.';
  const auth = { public: true as const };
  app.get(
    '/events',
    {
      config: { auth },
      schema: {
        tags: ['intake'],
        summary,
        description,
        querystring: Type.Object({}, { additionalProperties: Type.String() }),
        response: { 200: EventResult, ...errors(400, 401, 403) },
      },
    },
    handler,
  );
  app.post(
    '/events',
    {
      config: { auth },
      schema: {
        tags: ['intake'],
        summary,
        description,
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: EventResult, ...errors(400, 401, 403) },
      },
    },
    handler,
  );

  for (const kind of ACTIVITY_KINDS) {
    const cols = ACTIVITY_COLUMNS[kind];
    app.post(
      `/activity/${kind}`,
      {
        config: { auth: { roles: ['admin'], scopes: ['activity:write'] } },
        bodyLimit: 16 * 1024 * 1024,
        schema: {
          tags: ['intake'],
          summary: `Batch of ${kind} activity rows (idempotent on external ids; all rows valid or nothing is written)`,
          description: `Columns: ${cols.map((c) => `${c.name}${c.required ? '' : '?'}`).join(', ')}. Amounts are decimals in major units.`,
          body: Type.Object(
            {
              brand: Type.String({ description: 'brand code' }),
              rows: Type.Array(
                Type.Object(
                  {},
                  { additionalProperties: Type.Union([Type.String(), Type.Number(), Type.Null()]) },
                ),
                {
                  minItems: 1,
                  maxItems: 10_000,
                },
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              inserted: Type.Integer(),
              updated: Type.Integer(),
              unchanged: Type.Integer(),
            }),
            ...errors(400, 401, 403),
          },
        },
      },
      async (req) => {
        const body = req.body as { brand: string; rows: Record<string, unknown>[] };
        const brand = await brandByCode(s, body.brand, 'body');
        assertBrandAllowed(req.identity, brand.id);
        const fields: FieldError[] = [];
        const valid: (string | null)[][] = [];
        body.rows.forEach((row, i) => {
          for (const k of Object.keys(row))
            if (!cols.some((c) => c.name === k))
              fields.push({ path: `/rows/${i}/${k}`, message: 'is not a column', in: 'body' });
          const r = validateActivityRow(
            kind as ActivityKind,
            (n) => (row[n] === undefined || row[n] === null ? undefined : String(row[n])),
            `/rows/${i}`,
          );
          if (r.ok) valid.push(r.values);
          else fields.push(...r.errors.map((e) => ({ ...e, in: 'body' })));
        });
        if (fields.length > 0)
          throw new AppError('VALIDATION_FAILED', `${fields.length} problem(s) in the rows.`, {
            fields: fields.slice(0, 1000),
          });
        const loader = new ActivityLoader(s, brand.id, kind as ActivityKind);
        for (const v of valid) {
          const wait = loader.add(v);
          if (wait) await wait;
        }
        const counts = await loader.finish();
        const now = s.clock();
        await appendBatchAudit(
          s.db,
          actorOf(req),
          {
            action: `activity.${kind}.imported`,
            entityType: 'activity',
            count: valid.length,
            firstId: String(valid[0]?.[0] ?? ''),
            lastId: String(valid[valid.length - 1]?.[0] ?? ''),
            content: JSON.stringify(body.rows),
          },
          now,
        );
        s.auditChainer.kick();
        return counts;
      },
    );
  }
};
