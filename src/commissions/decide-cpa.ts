/** Why a customer does not (yet) earn a CPA. */
export type CpaSkipReason =
  | 'already_paid'
  | 'self_excluded'
  | 'duplicate'
  | 'fraud'
  | 'no_first_deposit'
  | 'deposit_too_small'
  | 'deposit_too_late'
  | 'window_closed';

export type CpaDecision =
  | { kind: 'pay'; amount: bigint; country: string | null; checks: readonly string[] }
  | { kind: 'pending'; missing: readonly string[] }
  | { kind: 'skip'; reason: CpaSkipReason };

/** Facts about one customer for a CPA decision; money at one common scale, lots in millionths. */
export interface CpaFacts {
  readonly alreadyPaid: boolean;
  readonly flags: { selfExcluded?: boolean; duplicate?: boolean; fraud?: boolean };
  readonly country: string | null;
  readonly registeredDay: number;
  readonly firstDepositDay: number | null;
  readonly firstDeposit: bigint | null;
  readonly wagered: bigint;
  readonly bets: number;
  readonly lots: bigint;
  /** Last day (exclusive) of the period being closed. */
  readonly periodEndDay: number;
}

export interface CpaRules {
  readonly amounts: { default: bigint; byCountry: ReadonlyMap<string, bigint> };
  readonly exclude: ReadonlySet<string>;
  readonly minFirstDeposit: bigint | null;
  readonly depositWithinDays: number | null;
  readonly minWagering: bigint | null;
  /** Required wagering as a multiple of the first deposit, at scale 6 (3× → 3,000,000). */
  readonly minWageringMultiple: bigint | null;
  readonly minBets: number | null;
  readonly minLots: bigint | null;
  /** Days after registration (iGaming) or first deposit (Forex) in which the activity must happen. */
  readonly activityWithinDays: number | null;
  readonly activityFrom: 'registration' | 'first_deposit';
}

/**
 * Decides a CPA: paid once per qualified customer, after exclusions (self-excluded, duplicate, fraud),
 * the first-deposit rules and the activity thresholds (wagering, bets, lots), at the per-country amount.
 */
export function decideCpa(rules: CpaRules, f: CpaFacts): CpaDecision {
  if (f.alreadyPaid) return { kind: 'skip', reason: 'already_paid' };
  if (rules.exclude.has('self_excluded') && f.flags.selfExcluded)
    return { kind: 'skip', reason: 'self_excluded' };
  if (rules.exclude.has('duplicate') && f.flags.duplicate) return { kind: 'skip', reason: 'duplicate' };
  if (rules.exclude.has('fraud') && f.flags.fraud) return { kind: 'skip', reason: 'fraud' };
  const checks: string[] = [];
  if (f.firstDepositDay === null || f.firstDeposit === null || f.firstDepositDay >= f.periodEndDay) {
    return { kind: 'pending', missing: ['first_deposit'] };
  }
  if (rules.depositWithinDays !== null) {
    if (f.firstDepositDay - f.registeredDay > rules.depositWithinDays)
      return { kind: 'skip', reason: 'deposit_too_late' };
    checks.push(
      `first deposit ${f.firstDepositDay - f.registeredDay} days after registration ≤ ${rules.depositWithinDays}`,
    );
  }
  if (rules.minFirstDeposit !== null) {
    if (f.firstDeposit < rules.minFirstDeposit) return { kind: 'skip', reason: 'deposit_too_small' };
    checks.push('first deposit ≥ minimum');
  }
  const missing: string[] = [];
  if (rules.minWagering !== null && f.wagered < rules.minWagering) missing.push('wagering');
  if (
    rules.minWageringMultiple !== null &&
    f.wagered * 1_000_000n < f.firstDeposit * rules.minWageringMultiple
  ) {
    missing.push('wagering_multiple');
  }
  if (rules.minBets !== null && f.bets < rules.minBets) missing.push('bets');
  if (rules.minLots !== null && f.lots < rules.minLots) missing.push('lots');
  if (missing.length > 0) {
    if (rules.activityWithinDays !== null) {
      const from = rules.activityFrom === 'registration' ? f.registeredDay : f.firstDepositDay;
      if (f.periodEndDay > from + rules.activityWithinDays) return { kind: 'skip', reason: 'window_closed' };
    }
    return { kind: 'pending', missing };
  }
  if (rules.minWagering !== null) checks.push('wagering ≥ minimum');
  if (rules.minWageringMultiple !== null) checks.push('wagering ≥ multiple of first deposit');
  if (rules.minBets !== null) checks.push(`bets ${f.bets} ≥ ${rules.minBets}`);
  if (rules.minLots !== null) checks.push('lots ≥ minimum');
  const byCountry = f.country === null ? undefined : rules.amounts.byCountry.get(f.country);
  return {
    kind: 'pay',
    amount: byCountry ?? rules.amounts.default,
    country: byCountry === undefined ? null : f.country,
    checks,
  };
}
