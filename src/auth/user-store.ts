import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../audit/audit-store.js';
import { appendAudit } from '../audit/audit-store.js';
import type { LoginRole } from '../platform/config.js';
import type { Database, User } from '../platform/db/schema.js';
import { AppError, validationError } from '../platform/http/errors.js';
import { hashPassword, PASSWORD_MIN_LENGTH } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewUserInput {
  email: string;
  password: string;
  role: LoginRole;
  displayName?: string | undefined;
  partnerId?: string | null | undefined;
}

export function checkPasswordPolicy(password: string, path = '/password'): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw validationError([
      { path, message: `must be at least ${PASSWORD_MIN_LENGTH} characters`, in: 'body' },
    ]);
  }
}

/** Public view of a user: never the password hash or the TOTP secret. */
export function publicUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    partnerId: u.partner_id,
    totpEnabled: u.totp_enabled_at !== null,
    disabled: u.disabled_at !== null,
    createdAt: u.created_at.toISOString(),
  };
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates a login; partners must name their partner record. Audited in the caller's transaction. */
export async function createUser(
  trx: Transaction<Database>,
  actor: Actor,
  input: NewUserInput,
  now: Date,
): Promise<User> {
  checkPasswordPolicy(input.password);
  if ((input.role === 'partner') !== Boolean(input.partnerId)) {
    throw validationError([
      {
        path: '/partnerId',
        message: 'is required for role partner and not allowed for staff roles',
        in: 'body',
      },
    ]);
  }
  if (input.partnerId) {
    const p = await trx
      .selectFrom('partners')
      .select('id')
      .where('id', '=', input.partnerId)
      .executeTakeFirst();
    if (!p) throw validationError([{ path: '/partnerId', message: 'no such partner', in: 'body' }]);
  }
  if (await findUserByEmail(trx, input.email)) {
    throw new AppError('CONFLICT', `A user with e-mail ${input.email} already exists.`, {
      fields: [{ path: '/email', message: 'is already taken', in: 'body' }],
    });
  }
  const user = await trx
    .insertInto('users')
    .values({
      id: uuidv7(),
      email: input.email,
      display_name: input.displayName ?? input.email.split('@')[0] ?? input.email,
      password_hash: await hashPassword(input.password),
      role: input.role,
      partner_id: input.partnerId ?? null,
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      locked_until: null,
      disabled_at: null,
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    { action: 'user.created', entityType: 'user', entityId: user.id, after: publicUser(user) },
    now,
  );
  return user;
}
