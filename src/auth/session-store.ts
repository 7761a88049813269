import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { randomToken, sha256 } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Creates a session; only the token's hash is stored. Returns the token for the cookie. */
export async function createSession(
  trx: Db,
  input: {
    userId: string;
    mfaPending: boolean;
    ip: string | null;
    userAgent: string | null;
    ttlMinutes: number;
  },
  now: Date,
): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(now.getTime() + input.ttlMinutes * 60_000);
  await trx
    .insertInto('sessions')
    .values({
      id: sha256(token),
      user_id: input.userId,
      csrf_token: csrfToken,
      mfa_pending: input.mfaPending,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 500) ?? null,
      created_at: now,
      expires_at: expiresAt,
      revoked_at: null,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

/** The live session behind a cookie token, with its user, or undefined. */
export async function findLiveSession(db: Db, token: string, now: Date) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id as sessionId',
      's.csrf_token',
      's.mfa_pending',
      's.expires_at',
      'u.id as userId',
      'u.email',
      'u.role',
      'u.partner_id',
    ])
    .where('s.id', '=', sha256(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function revokeSession(trx: Db, sessionId: string, now: Date): Promise<void> {
  await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).execute();
}

/** Ends every session of a user (password change or reset). */
export async function revokeUserSessions(trx: Db, userId: string, now: Date): Promise<void> {
  await trx
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
