import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../audit/audit-store.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import { findLiveApiKey, touchApiKey } from './api-key-store.js';
import type { Identity, RouteAuth, Scope } from './identity.js';
import { findLiveSession } from './session-store.js';
import { constantTimeEqual } from './secrets.js';

export const SESSION_COOKIE = 'consort_session';
/** Header naming a view-as marker (`POST /partners/:id/view-as`) of the caller's own staff session. */
export const VIEW_AS_HEADER = 'x-consort-view-as';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(services: Services, req: FastifyRequest): Promise<Identity | null> {
  const now = services.clock();
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError('UNAUTHENTICATED', 'Authorization header must be "Bearer <API key>".');
    const key = await findLiveApiKey(services.db, m[1]!, now);
    if (!key) throw new AppError('UNAUTHENTICATED', 'Unknown, revoked or expired API key.');
    await touchApiKey(services.db, key, now);
    return {
      kind: 'api_key',
      keyId: key.id,
      keyKind: key.kind,
      scopes: key.scopes as Scope[],
      brandIds: key.brand_ids,
      partnerId: key.partner_id,
    };
  }
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return null;
  const s = await findLiveSession(services.db, token, now);
  if (!s) return null;
  const identity: Identity = {
    kind: 'user',
    userId: s.userId,
    email: s.email,
    role: s.role,
    partnerId: s.partner_id,
    sessionId: s.sessionId,
    csrfToken: s.csrf_token,
    mfaPending: s.mfa_pending,
  };
  const viewAs = req.headers[VIEW_AS_HEADER];
  return viewAs === undefined ? identity : viewAsIdentity(services, identity, viewAs, req.method, now);
}

/**
 * A staff session reading a partner's portal: the marker must belong to this session, be live, and (for a
 * partner manager) the partner must still be in the portfolio. The answer is the partner's identity with
 * the staff user kept as `userId` for the audit trail; a write is refused before any route runs.
 */
async function viewAsIdentity(
  services: Services,
  identity: Extract<Identity, { kind: 'user' }>,
  header: string | string[],
  method: string,
  now: Date,
): Promise<Identity> {
  if (typeof header !== 'string' || !UUID.test(header) || identity.role === 'partner')
    throw new AppError('VIEW_AS_INVALID');
  let q = services.db
    .selectFrom('view_as_grants as g')
    .innerJoin('partners as p', 'p.id', 'g.partner_id')
    .select(['g.id', 'g.partner_id'])
    .where('g.id', '=', header)
    .where('g.session_id', '=', identity.sessionId)
    .where('g.user_id', '=', identity.userId)
    .where('g.ended_at', 'is', null)
    .where('g.expires_at', '>', now);
  if (identity.role === 'partner_manager') q = q.where('p.manager_user_id', '=', identity.userId);
  const g = await q.executeTakeFirst();
  if (!g) throw new AppError('VIEW_AS_INVALID');
  if (!SAFE_METHODS.has(method)) throw new AppError('VIEW_AS_READ_ONLY');
  return {
    ...identity,
    role: 'partner',
    partnerId: g.partner_id,
    viewAs: { grantId: g.id, staffRole: identity.role },
  };
}

/** Decides a request against its route's declared access: 401 without identity, 403 for a wrong role or scope. */
export function authorize(auth: RouteAuth, identity: Identity | null, req: FastifyRequest): void {
  if (auth.public) return;
  if (!identity) throw new AppError('UNAUTHENTICATED');
  if (identity.kind === 'user') {
    if (!auth.roles?.includes(identity.role))
      throw new AppError('FORBIDDEN', `Role ${identity.role} may not do this.`);
    if (identity.mfaPending && !auth.allowMfaPending) throw new AppError('TOTP_ENROLMENT_REQUIRED');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !constantTimeEqual(sent, identity.csrfToken))
        throw new AppError('CSRF_FAILED');
    }
    return;
  }
  if (!auth.scopes?.some((s) => identity.scopes.includes(s))) {
    throw new AppError(
      'FORBIDDEN',
      `This API key lacks the scope for this route (${auth.scopes?.join(' or ') ?? 'none accepted'}).`,
    );
  }
}

/** 403 unless an operator key may act on this brand (keys restricted to brands; staff and unrestricted keys pass). */
export function assertBrandAllowed(identity: Identity | null, brandId: string): void {
  if (identity?.kind === 'api_key' && identity.keyKind === 'operator' && identity.brandIds.length > 0) {
    if (!identity.brandIds.includes(brandId)) throw new AppError('BRAND_FORBIDDEN');
  }
}

/** The audit actor for a request. */
export function actorOf(req: FastifyRequest): Actor {
  const id = req.identity;
  const base = { requestId: req.id, ip: req.ip };
  if (!id) return { type: 'anonymous', id: null, ...base };
  if (id.kind === 'user') return { type: 'user', id: id.userId, ...base };
  return { type: 'api_key', id: id.keyId, ...base };
}

/** The signed-in user's identity, or 401 (for routes that only make sense with a session). */
export function userOf(req: FastifyRequest): Extract<Identity, { kind: 'user' }> {
  if (req.identity?.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'This needs a signed-in user.');
  return req.identity;
}

/**
 * Authenticates every request (API key or session cookie) and enforces each route's declared `auth`.
 * Routes under /api/v1 must declare access; one that does not is refused at start-up (fail closed).
 */
export const authGuard = fp(async (app: FastifyInstance, opts: { services: Services }) => {
  app.decorateRequest('identity', null);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && !route.config?.auth) {
      throw new Error(`route ${route.method} ${route.url} declares no auth: add config.auth`);
    }
  });
  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const auth = req.routeOptions.config?.auth;
    if (!auth) return; // health checks, docs, static files, 404s
    req.identity = await authenticate(opts.services, req);
    authorize(auth, req.identity, req);
  });
});
