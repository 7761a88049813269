/** One scope (a brand, or '*' when bundled) of a revshare base with its carryover. */
export interface CarryoverScope {
  readonly scope: string;
  readonly ngr: bigint;
  readonly carryIn: bigint;
  /** ngr + carryIn */
  readonly net: bigint;
  /** What earns commission: max(0, net). */
  readonly commissionable: bigint;
  /** What is carried to the next period: min(0, net) with carryover on, else 0. */
  readonly carryOut: bigint;
}

export interface CarryoverResult {
  readonly base: bigint;
  readonly scopes: readonly CarryoverScope[];
}

/**
 * Applies negative carryover. With it on, negative net NGR is carried (per brand or bundled) until
 * recovered: month 1 −10,000, month 2 +15,000 → base 5,000 in month 2. With it off, a negative period
 * earns 0 and nothing is carried. Conserves value: Σ commissionable + Σ carryOut = Σ ngr + Σ carryIn.
 */
export function calculateCarryover(
  ngrByBrand: ReadonlyMap<string, bigint>,
  carried: ReadonlyMap<string, bigint>,
  setting: { enabled: boolean; scope: 'per_brand' | 'bundled' },
): CarryoverResult {
  if (!setting.enabled) {
    let total = 0n;
    for (const v of ngrByBrand.values()) total += v;
    const commissionable = total > 0n ? total : 0n;
    return {
      base: commissionable,
      scopes: [{ scope: '*', ngr: total, carryIn: 0n, net: total, commissionable, carryOut: 0n }],
    };
  }
  const byScope = new Map<string, bigint>();
  if (setting.scope === 'bundled') {
    let total = 0n;
    for (const v of ngrByBrand.values()) total += v;
    byScope.set('*', total);
  } else {
    for (const [b, v] of ngrByBrand) byScope.set(b, v);
  }
  for (const s of carried.keys()) if (!byScope.has(s)) byScope.set(s, 0n);
  const scopes: CarryoverScope[] = [];
  let base = 0n;
  for (const scope of [...byScope.keys()].sort()) {
    const ngr = byScope.get(scope)!;
    const carryIn = carried.get(scope) ?? 0n;
    const net = ngr + carryIn;
    const commissionable = net > 0n ? net : 0n;
    const carryOut = net < 0n ? net : 0n;
    base += commissionable;
    scopes.push({ scope, ngr, carryIn, net, commissionable, carryOut });
  }
  return { base, scopes };
}
