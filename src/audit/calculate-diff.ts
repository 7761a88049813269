/** Fields whose values never enter the audit trail (secrets), only the fact that they changed. */
const SECRET_FIELDS = new Set([
  'password',
  'password_hash',
  'passwordHash',
  'totp_secret',
  'totpSecret',
  'secret_hash',
  'secretHash',
  'token',
  'token_hash',
  'csrf_token',
]);

function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/**
 * The before/after difference of two versions of a record: only the fields that changed, secrets masked.
 * `before` undefined = created; `after` undefined = removed.
 */
export function calculateDiff(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    if (k === 'updated_at' || k === 'updatedAt') continue;
    const bv = normalise(before?.[k]);
    const av = normalise(after?.[k]);
    if (before && after && JSON.stringify(bv) === JSON.stringify(av)) continue;
    const secret = SECRET_FIELDS.has(k);
    if (before && k in before) b[k] = secret ? '[secret]' : (bv ?? null);
    if (after && k in after) a[k] = secret ? '[secret]' : (av ?? null);
  }
  return { before: before ? b : null, after: after ? a : null };
}
