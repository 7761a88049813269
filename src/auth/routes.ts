import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { LOGIN_ROLES, type LoginRole } from '../platform/config.js';
import type { User } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { Email, errors, IdParams } from '../platform/http/schemas.js';
import { createApiKey, publicApiKey } from './api-key-store.js';
import { actorOf, SESSION_COOKIE, userOf } from './guard.js';
import { ALL_SCOPES, type Scope, STAFF_ROLES } from './identity.js';
import { dummyPasswordHash, hashPassword, randomToken, sha256, verifyPassword } from './secrets.js';
import { createSession, revokeSession, revokeUserSessions } from './session-store.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';
import { checkPasswordPolicy, createUser, findUserByEmail, findUserById, publicUser } from './user-store.js';

const ANY_ROLE: readonly LoginRole[] = LOGIN_ROLES;

const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  partnerId: Type.Union([Type.String(), Type.Null()]),
  totpEnabled: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});

const SessionView = Type.Object({
  user: UserView,
  csrfToken: Type.String({
    description: 'Send as the X-CSRF-Token header on every write made with the session cookie.',
  }),
  totpEnrolmentRequired: Type.Boolean(),
  expiresAt: Type.String(),
});

const ApiKeyView = Type.Object({
  id: Type.String(),
  prefix: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  scopes: Type.Array(Type.String()),
  brandIds: Type.Array(Type.String()),
  partnerId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  const cfg = req.server.services.config.cookieSecure;
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: cfg === 'auto' ? req.protocol === 'https' : cfg,
    expires: expiresAt,
  });
}

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  const cfg = s.config;

  const totpRequiredFor = (role: LoginRole) => cfg.requireTotpForRoles.includes(role);

  /** Counts a failed sign-in, locking the account after too many; audited. */
  async function recordFailure(user: User, req: FastifyRequest, reason: string): Promise<void> {
    await writeAudited(s, async (trx, now) => {
      const count = user.failed_login_count + 1;
      const lock = count >= cfg.login.maxFailedAttempts;
      await trx
        .updateTable('users')
        .set({
          failed_login_count: lock ? 0 : count,
          locked_until: lock
            ? new Date(now.getTime() + cfg.login.lockoutMinutes * 60_000)
            : user.locked_until,
          updated_at: now,
        })
        .where('id', '=', user.id)
        .execute();
      await appendAudit(
        trx,
        actorOf(req),
        {
          action: lock ? 'auth.locked' : 'auth.login_failed',
          entityType: 'user',
          entityId: user.id,
          detail: { reason, failedAttempts: count },
        },
        now,
      );
    });
  }

  app.post(
    '/auth/login',
    {
      config: {
        auth: { public: true },
        rateLimit: {
          max: cfg.login.ratePerMinute,
          timeWindow: 60_000,
          keyGenerator: (req: FastifyRequest) => req.ip,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password (and a TOTP code when enabled); sets the session cookie',
        body: Type.Object(
          {
            email: Email,
            password: Type.String({ minLength: 1, maxLength: 200 }),
            totpCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionView, ...errors(400, 401, 423, 429) },
      },
    },
    async (req, reply) => {
      const now = s.clock();
      const { email, password, totpCode } = req.body;
      const user = await findUserByEmail(s.db, email);
      if (user?.locked_until && user.locked_until > now) {
        throw new AppError('ACCOUNT_LOCKED', undefined, { lockedUntil: user.locked_until.toISOString() });
      }
      const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
      if (!user || !ok || user.disabled_at) {
        if (user) await recordFailure(user, req, user.disabled_at ? 'disabled' : 'password');
        throw new AppError('INVALID_CREDENTIALS');
      }
      let step: number | null = null;
      if (user.totp_enabled_at && user.totp_secret) {
        if (!totpCode) throw new AppError('TOTP_REQUIRED');
        const check = await checkTotp(
          user.totp_secret,
          totpCode,
          now,
          user.totp_last_step ? Number(user.totp_last_step) : null,
        );
        if (check.kind === 'invalid') {
          await recordFailure(user, req, 'totp');
          throw new AppError('INVALID_TOTP');
        }
        step = check.step;
      }
      const mfaPending = totpRequiredFor(user.role) && !user.totp_enabled_at;
      const session = await writeAudited(s, async (trx, at) => {
        await trx
          .updateTable('users')
          .set({
            failed_login_count: 0,
            locked_until: null,
            ...(step !== null ? { totp_last_step: step } : {}),
            updated_at: at,
          })
          .where('id', '=', user.id)
          .execute();
        const created = await createSession(
          trx,
          {
            userId: user.id,
            mfaPending,
            ip: req.ip,
            userAgent: req.headers['user-agent'] ?? null,
            ttlMinutes: cfg.sessionTtlMinutes,
          },
          at,
        );
        await appendAudit(
          trx,
          { ...actorOf(req), type: 'user', id: user.id },
          {
            action: 'auth.login',
            entityType: 'user',
            entityId: user.id,
            detail: { secondFactor: step !== null, mfaPending },
          },
          at,
        );
        return created;
      });
      setSessionCookie(req, reply, session.token, session.expiresAt);
      return {
        user: publicUser(user),
        csrfToken: session.csrfToken,
        totpEnrolmentRequired: mfaPending,
        expiresAt: session.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { auth: { roles: ANY_ROLE, allowMfaPending: true } },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: Type.Null(), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      await writeAudited(s, async (trx, now) => {
        await revokeSession(trx, me.sessionId, now);
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'auth.logout', entityType: 'user', entityId: me.userId },
          now,
        );
      });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      config: { auth: { roles: ANY_ROLE, allowMfaPending: true } },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and the CSRF token',
        response: { 200: SessionView, ...errors(401) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const user = await findUserById(s.db, me.userId);
      if (!user) throw new AppError('UNAUTHENTICATED');
      const session = await s.db
        .selectFrom('sessions')
        .select('expires_at')
        .where('id', '=', me.sessionId)
        .executeTakeFirstOrThrow();
      return {
        user: publicUser(user),
        csrfToken: me.csrfToken,
        totpEnrolmentRequired: me.mfaPending,
        expiresAt: session.expires_at.toISOString(),
      };
    },
  );

  app.post(
    '/auth/password-reset',
    {
      config: {
        auth: { public: true },
        rateLimit: { max: 5, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => req.ip },
      },
      schema: {
        tags: ['auth'],
        summary: 'E-mail a one-time password-reset link (always 202, whether or not the e-mail is known)',
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: Type.Object({ status: Type.String() }), ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      const user = await findUserByEmail(s.db, req.body.email);
      if (user && !user.disabled_at) {
        const token = randomToken();
        await writeAudited(s, async (trx, now) => {
          await trx
            .insertInto('password_resets')
            .values({
              token_hash: sha256(token),
              user_id: user.id,
              expires_at: new Date(now.getTime() + cfg.passwordResetTtlMinutes * 60_000),
              used_at: null,
              created_at: now,
            })
            .execute();
          await appendAudit(
            trx,
            actorOf(req),
            { action: 'auth.password_reset_requested', entityType: 'user', entityId: user.id },
            now,
          );
        });
        const link = `${cfg.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
        await s.mailer.send({
          to: user.email,
          subject: 'Reset your Consort password',
          text:
            `Someone asked to reset the password of your Consort account.\n\n` +
            `Open this link within ${cfg.passwordResetTtlMinutes} minutes to choose a new one:\n${link}\n\n` +
            `Reset token: ${token}\n\nIf it was not you, ignore this message: your password stays as it is.`,
        });
      }
      return reply.status(202).send({ status: 'accepted' });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { auth: { public: true }, rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset token (ends every session of the user)',
        body: Type.Object(
          {
            token: Type.String({ minLength: 20, maxLength: 200 }),
            password: Type.String({ maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(400) },
      },
    },
    async (req, reply) => {
      checkPasswordPolicy(req.body.password);
      const hashed = await hashPassword(req.body.password);
      await writeAudited(s, async (trx, now) => {
        const reset = await trx
          .selectFrom('password_resets')
          .selectAll()
          .where('token_hash', '=', sha256(req.body.token))
          .forUpdate()
          .executeTakeFirst();
        if (!reset || reset.used_at || reset.expires_at <= now) {
          throw new AppError('VALIDATION_FAILED', 'The reset link is invalid, used or expired.', {
            fields: [{ path: '/token', message: 'is invalid, used or expired', in: 'body' }],
          });
        }
        await trx
          .updateTable('password_resets')
          .set({ used_at: now })
          .where('token_hash', '=', reset.token_hash)
          .execute();
        await trx
          .updateTable('users')
          .set({
            password_hash: hashed,
            password_changed_at: now,
            failed_login_count: 0,
            locked_until: null,
            updated_at: now,
          })
          .where('id', '=', reset.user_id)
          .execute();
        await revokeUserSessions(trx, reset.user_id, now);
        await appendAudit(
          trx,
          { ...actorOf(req), type: 'user', id: reset.user_id },
          { action: 'auth.password_reset', entityType: 'user', entityId: reset.user_id },
          now,
        );
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { auth: { roles: ANY_ROLE, allowMfaPending: true } },
      schema: {
        tags: ['auth'],
        summary: 'Change your password (ends your other sessions)',
        body: Type.Object(
          { currentPassword: Type.String({ maxLength: 200 }), newPassword: Type.String({ maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      checkPasswordPolicy(req.body.newPassword, '/newPassword');
      const user = await findUserById(s.db, me.userId);
      if (!user || !(await verifyPassword(user.password_hash, req.body.currentPassword))) {
        throw new AppError('VALIDATION_FAILED', 'The current password is wrong.', {
          fields: [{ path: '/currentPassword', message: 'is wrong', in: 'body' }],
        });
      }
      const hashed = await hashPassword(req.body.newPassword);
      await writeAudited(s, async (trx, now) => {
        await trx
          .updateTable('users')
          .set({ password_hash: hashed, password_changed_at: now, updated_at: now })
          .where('id', '=', me.userId)
          .execute();
        await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where('user_id', '=', me.userId)
          .where('id', '!=', me.sessionId)
          .where('revoked_at', 'is', null)
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'auth.password_changed', entityType: 'user', entityId: me.userId },
          now,
        );
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/totp/setup',
    {
      config: { auth: { roles: ANY_ROLE, allowMfaPending: true } },
      schema: {
        tags: ['auth'],
        summary: 'Start TOTP enrolment: returns a new secret and its otpauth:// URI for an authenticator app',
        response: {
          200: Type.Object({ secret: Type.String(), otpauthUri: Type.String() }),
          ...errors(401, 409),
        },
      },
    },
    async (req) => {
      const me = userOf(req);
      const user = await findUserById(s.db, me.userId);
      if (!user) throw new AppError('UNAUTHENTICATED');
      if (user.totp_enabled_at)
        throw new AppError('CONFLICT', 'Two-factor authentication is already enabled.');
      const secret = newTotpSecret();
      await writeAudited(s, async (trx, now) => {
        await trx
          .updateTable('users')
          .set({ totp_secret: secret, updated_at: now })
          .where('id', '=', me.userId)
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'auth.totp_setup_started', entityType: 'user', entityId: me.userId },
          now,
        );
      });
      return { secret, otpauthUri: totpUri(secret, user.email) };
    },
  );

  app.post(
    '/auth/totp/enable',
    {
      config: { auth: { roles: ANY_ROLE, allowMfaPending: true } },
      schema: {
        tags: ['auth'],
        summary: 'Finish TOTP enrolment with a current code; later sign-ins then need a code',
        body: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 401, 409) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const user = await findUserById(s.db, me.userId);
      if (!user?.totp_secret) throw new AppError('CONFLICT', 'Call /auth/totp/setup first.');
      if (user.totp_enabled_at)
        throw new AppError('CONFLICT', 'Two-factor authentication is already enabled.');
      const check = await checkTotp(user.totp_secret, req.body.code, s.clock(), null);
      if (check.kind === 'invalid') {
        throw new AppError('VALIDATION_FAILED', 'The code does not match.', {
          fields: [{ path: '/code', message: 'does not match the authenticator', in: 'body' }],
        });
      }
      await writeAudited(s, async (trx, now) => {
        await trx
          .updateTable('users')
          .set({ totp_enabled_at: now, totp_last_step: check.step, updated_at: now })
          .where('id', '=', me.userId)
          .execute();
        await trx
          .updateTable('sessions')
          .set({ mfa_pending: false })
          .where('id', '=', me.sessionId)
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'auth.totp_enabled', entityType: 'user', entityId: me.userId },
          now,
        );
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/totp/disable',
    {
      config: { auth: { roles: ANY_ROLE } },
      schema: {
        tags: ['auth'],
        summary: 'Turn two-factor off (not allowed for roles the operator requires it for)',
        body: Type.Object({ password: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      if (totpRequiredFor(me.role))
        throw new AppError('FORBIDDEN', `Two-factor authentication is required for role ${me.role}.`);
      const user = await findUserById(s.db, me.userId);
      if (!user || !(await verifyPassword(user.password_hash, req.body.password))) {
        throw new AppError('VALIDATION_FAILED', 'The password is wrong.', {
          fields: [{ path: '/password', message: 'is wrong', in: 'body' }],
        });
      }
      await writeAudited(s, async (trx, now) => {
        await trx
          .updateTable('users')
          .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: now })
          .where('id', '=', me.userId)
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'auth.totp_disabled', entityType: 'user', entityId: me.userId },
          now,
        );
      });
      return reply.status(204).send(null);
    },
  );

  // ---- users (admin) ----

  app.get(
    '/users',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['auth'],
        summary: 'List logins',
        querystring: Type.Object(
          { role: Type.Optional(Type.Union(LOGIN_ROLES.map((r) => Type.Literal(r)))) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(UserView) }), ...errors(401, 403) },
      },
    },
    async (req) => {
      let q = s.db.selectFrom('users').selectAll().orderBy('email');
      if (req.query.role) q = q.where('role', '=', req.query.role);
      return { items: (await q.execute()).map(publicUser) };
    },
  );

  app.post(
    '/users',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['auth'],
        summary: 'Create a login (staff role, or `partner` with the partner it belongs to)',
        body: Type.Object(
          {
            email: Email,
            password: Type.String({ maxLength: 200 }),
            role: Type.Union(LOGIN_ROLES.map((r) => Type.Literal(r))),
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            partnerId: Type.Optional(Type.String({ format: 'uuid' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserView, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const user = await writeAudited(s, (trx, now) => createUser(trx, actorOf(req), req.body, now));
      return reply.status(201).send(publicUser(user));
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['auth'],
        summary: 'Change a login: display name, role (staff only), disabled',
        params: IdParams,
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            role: Type.Optional(Type.Union(STAFF_ROLES.map((r) => Type.Literal(r)))),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const user = await writeAudited(s, async (trx, now) => {
        const before = await trx
          .selectFrom('users')
          .selectAll()
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('User');
        if (req.body.role && before.role === 'partner') {
          throw new AppError('VALIDATION_FAILED', 'A partner login cannot become staff.', {
            fields: [{ path: '/role', message: 'cannot change a partner login', in: 'body' }],
          });
        }
        const after = await trx
          .updateTable('users')
          .set({
            ...(req.body.displayName ? { display_name: req.body.displayName } : {}),
            ...(req.body.role ? { role: req.body.role } : {}),
            ...(req.body.disabled !== undefined ? { disabled_at: req.body.disabled ? now : null } : {}),
            updated_at: now,
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (req.body.disabled) await revokeUserSessions(trx, before.id, now);
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'user.updated',
            entityType: 'user',
            entityId: before.id,
            before: publicUser(before),
            after: publicUser(after),
          },
          now,
        );
        return after;
      });
      return publicUser(user);
    },
  );

  // ---- API keys ----

  app.get(
    '/api-keys',
    {
      config: { auth: { roles: ['admin', 'partner'] } },
      schema: {
        tags: ['auth'],
        summary: 'List API keys (admins: all; partners: their own)',
        response: { 200: Type.Object({ items: Type.Array(ApiKeyView) }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const me = userOf(req);
      let q = s.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc');
      if (me.role === 'partner') q = q.where('partner_id', '=', me.partnerId);
      return { items: (await q.execute()).map(publicApiKey) };
    },
  );

  app.post(
    '/api-keys',
    {
      config: { auth: { roles: ['admin', 'partner'] } },
      schema: {
        tags: ['auth'],
        summary: 'Create an API key; the full key is in this response only',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            kind: Type.Union([Type.Literal('operator'), Type.Literal('partner')]),
            scopes: Type.Array(Type.Union(ALL_SCOPES.map((x) => Type.Literal(x))), {
              minItems: 1,
              uniqueItems: true,
            }),
            brandIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { uniqueItems: true })),
            partnerId: Type.Optional(Type.String({ format: 'uuid' })),
            expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ key: Type.String(), apiKey: ApiKeyView }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const body = req.body;
      if (
        me.role === 'partner' &&
        (body.kind !== 'partner' || (body.partnerId && body.partnerId !== me.partnerId))
      ) {
        throw new AppError('FORBIDDEN', 'Partners create keys for themselves only.');
      }
      const created = await writeAudited(s, (trx, now) =>
        createApiKey(
          trx,
          actorOf(req),
          {
            name: body.name,
            kind: body.kind,
            scopes: body.scopes as Scope[],
            brandIds: body.brandIds,
            partnerId: me.role === 'partner' ? me.partnerId : body.partnerId,
            expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
            createdBy: me.userId,
          },
          now,
        ),
      );
      return reply.status(201).send({ key: created.key, apiKey: publicApiKey(created.record) });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { auth: { roles: ['admin', 'partner'] } },
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 200: ApiKeyView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const row = await writeAudited(s, async (trx, now) => {
        let q = trx.selectFrom('api_keys').selectAll().where('id', '=', req.params.id);
        if (me.role === 'partner') q = q.where('partner_id', '=', me.partnerId);
        const before = await q.forUpdate().executeTakeFirst();
        if (!before) throw notFound('API key');
        if (before.revoked_at) return before;
        const after = await trx
          .updateTable('api_keys')
          .set({ revoked_at: now })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'api_key.revoked',
            entityType: 'api_key',
            entityId: before.id,
            before: publicApiKey(before),
            after: publicApiKey(after),
          },
          now,
        );
        return after;
      });
      return publicApiKey(row);
    },
  );
};

export { uuidv7 };
