import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { ApiKeyRow, Database } from '../platform/db/schema.js';
import { validationError } from '../platform/http/errors.js';
import { OPERATOR_SCOPES, PARTNER_SCOPES, type Scope } from './identity.js';
import { constantTimeEqual, randomToken, sha256 } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewApiKeyInput {
  name: string;
  kind: 'operator' | 'partner';
  scopes: Scope[];
  brandIds?: string[] | undefined;
  partnerId?: string | null | undefined;
  expiresAt?: Date | null | undefined;
  createdBy: string | null;
}

/** Key format: `ck_<prefix>_<secret>`. The prefix identifies the key; only the secret's SHA-256 is stored. */
export function parseApiKey(raw: string): { prefix: string; secret: string } | undefined {
  const m = /^ck_([0-9a-f]{12})_([A-Za-z0-9_-]{32,})$/.exec(raw);
  return m ? { prefix: m[1]!, secret: m[2]! } : undefined;
}

export function publicApiKey(k: ApiKeyRow) {
  return {
    id: k.id,
    prefix: `ck_${k.prefix}`,
    name: k.name,
    kind: k.kind,
    scopes: k.scopes,
    brandIds: k.brand_ids,
    partnerId: k.partner_id,
    createdAt: k.created_at.toISOString(),
    expiresAt: k.expires_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
    lastUsedAt: k.last_used_at?.toISOString() ?? null,
  };
}

/**
 * Creates an API key and returns the full key once: it cannot be shown again. Operator keys take operator
 * scopes and may be restricted to brands; partner keys belong to one partner and take partner scopes.
 */
export async function createApiKey(
  trx: Transaction<Database>,
  actor: Actor,
  input: NewApiKeyInput,
  now: Date,
) {
  const allowed: readonly string[] = input.kind === 'operator' ? OPERATOR_SCOPES : PARTNER_SCOPES;
  const bad = input.scopes.findIndex((s) => !allowed.includes(s));
  if (bad >= 0) {
    throw validationError([
      { path: `/scopes/${bad}`, message: `${input.kind} keys take only: ${allowed.join(', ')}`, in: 'body' },
    ]);
  }
  if (input.scopes.length === 0)
    throw validationError([{ path: '/scopes', message: 'needs at least one scope', in: 'body' }]);
  if (input.kind === 'partner' && !input.partnerId) {
    throw validationError([{ path: '/partnerId', message: 'is required for a partner key', in: 'body' }]);
  }
  if (input.kind === 'operator' && input.partnerId) {
    throw validationError([{ path: '/partnerId', message: 'is not allowed on an operator key', in: 'body' }]);
  }
  if (input.expiresAt && input.expiresAt <= now) {
    throw validationError([{ path: '/expiresAt', message: 'must be in the future', in: 'body' }]);
  }
  const brandIds = input.brandIds ?? [];
  if (brandIds.length > 0) {
    const found = await trx.selectFrom('brands').select('id').where('id', 'in', brandIds).execute();
    const known = new Set(found.map((b) => b.id));
    const i = brandIds.findIndex((b) => !known.has(b));
    if (i >= 0) throw validationError([{ path: `/brandIds/${i}`, message: 'no such brand', in: 'body' }]);
  }
  const hexPrefix = randomBytes(6).toString('hex');
  const secret = randomToken(32);
  const row = await trx
    .insertInto('api_keys')
    .values({
      id: uuidv7(),
      prefix: hexPrefix,
      secret_hash: sha256(secret),
      name: input.name,
      kind: input.kind,
      scopes: input.scopes,
      brand_ids: brandIds,
      partner_id: input.partnerId ?? null,
      created_by: input.createdBy,
      created_at: now,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
      last_used_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    { action: 'api_key.created', entityType: 'api_key', entityId: row.id, after: publicApiKey(row) },
    now,
  );
  return { key: `ck_${row.prefix}_${secret}`, record: row };
}

/** The live key for a presented Bearer token, or undefined (unknown, wrong secret, revoked or expired). */
export async function findLiveApiKey(db: Db, raw: string, now: Date): Promise<ApiKeyRow | undefined> {
  const parsed = parseApiKey(raw);
  if (!parsed) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('prefix', '=', parsed.prefix)
    .executeTakeFirst();
  if (!row || !constantTimeEqual(row.secret_hash, sha256(parsed.secret))) return undefined;
  if (row.revoked_at || (row.expires_at && row.expires_at <= now)) return undefined;
  return row;
}

/** Records use at most once a minute per key, so hot paths (postbacks) do not write on every request. */
export async function touchApiKey(db: Db, row: ApiKeyRow, now: Date): Promise<void> {
  if (row.last_used_at && now.getTime() - row.last_used_at.getTime() < 60_000) return;
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
}
