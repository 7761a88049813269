/**
 * What an inbound event version adds to the rollups (pure). An update applies `new − old`, so a deposit
 * later charged back removes its deposit and amount again: consequences follow, nothing is overwritten.
 */
export interface EventFacts {
  readonly type: 'registration' | 'ftd' | 'deposit' | 'purchase' | 'refund' | 'chargeback' | 'qualification';
  readonly status: string;
  /** Minor units. */
  readonly amount: bigint;
}

export interface RollupDelta {
  registrations: bigint;
  ftds: bigint;
  ftdAmount: bigint;
  deposits: bigint;
  depositAmount: bigint;
  purchases: bigint;
  purchaseAmount: bigint;
  refundAmount: bigint;
  revenue: bigint;
}

export const ZERO_DELTA: RollupDelta = {
  registrations: 0n,
  ftds: 0n,
  ftdAmount: 0n,
  deposits: 0n,
  depositAmount: 0n,
  purchases: 0n,
  purchaseAmount: 0n,
  refundAmount: 0n,
  revenue: 0n,
};

/** Statuses that count: anything else (pending, declined, chargeback, refunded, void) contributes nothing. */
export const COUNTING_STATUSES = new Set(['approved', 'completed', 'success']);

/**
 * The contribution of one event version. Revenue comes only from activity rows (iGaming days, trades, prop
 * purchases less refunds), never from events, so nothing is counted twice. An FTD is also a deposit.
 */
export function calculateEventContribution(e: EventFacts | null): RollupDelta {
  const d = { ...ZERO_DELTA };
  if (!e || !COUNTING_STATUSES.has(e.status)) return d;
  switch (e.type) {
    case 'registration':
      d.registrations = 1n;
      break;
    case 'ftd':
      d.ftds = 1n;
      d.ftdAmount = e.amount;
      d.deposits = 1n;
      d.depositAmount = e.amount;
      break;
    case 'deposit':
      d.deposits = 1n;
      d.depositAmount = e.amount;
      break;
    case 'purchase':
      d.purchases = 1n;
      d.purchaseAmount = e.amount;
      break;
    case 'refund':
    case 'chargeback':
      d.refundAmount = e.amount;
      break;
    case 'qualification':
      break;
  }
  return d;
}

/** new − old, field by field. */
export function calculateDelta(next: RollupDelta, prev: RollupDelta): RollupDelta {
  const out = { ...ZERO_DELTA };
  for (const k of Object.keys(out) as (keyof RollupDelta)[]) out[k] = next[k] - prev[k];
  return out;
}

export function isZeroDelta(d: RollupDelta): boolean {
  return Object.values(d).every((v) => v === 0n);
}
