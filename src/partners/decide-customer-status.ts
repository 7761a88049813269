/** Days without activity after which a customer is no longer `active`. */
export const ACTIVE_WITHIN_DAYS = 30;

export type CustomerStatus = 'registered' | 'ftd' | 'active' | 'qualified';

export interface CustomerFacts {
  registeredAt: Date | null;
  firstDepositAt: Date | null;
  /** The latest event or activity row of the customer (deposit, bet day, trade, purchase). */
  lastActivityAt: Date | null;
  /** A CPA line (not rejected or reversed) was booked for the customer: it met the deal's qualification. */
  qualified: boolean;
}

/**
 * The status a partner sees for one of its customers, the furthest stage reached: qualified (a CPA was
 * earned) › active (activity within the last 30 days) › FTD (first deposit or purchase made) › registered.
 * The flags say each stage separately (a qualified customer may no longer be active).
 */
export function decideCustomerStatus(
  f: CustomerFacts,
  now: Date,
): { status: CustomerStatus; ftd: boolean; active: boolean; qualified: boolean } {
  const ftd = f.firstDepositAt !== null;
  const active =
    f.lastActivityAt !== null &&
    now.getTime() - f.lastActivityAt.getTime() <= ACTIVE_WITHIN_DAYS * 86_400_000;
  const status: CustomerStatus = f.qualified ? 'qualified' : active ? 'active' : ftd ? 'ftd' : 'registered';
  return { status, ftd, active, qualified: f.qualified };
}

/**
 * The estimated next payout date of a brand: payouts run on the first day of a month for the lines of the
 * periods that ended (monthly), or N days later (NET-N). Staff create the batches, so this is the earliest
 * date the current period's payable balance can be paid, not a promise.
 */
export function decideNextPayoutDate(schedule: 'monthly' | 'net', netDays: number, today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m, 1)); // month m (0-based) = the month after today's
  if (schedule === 'net') first.setUTCDate(first.getUTCDate() + netDays);
  return first.toISOString().slice(0, 10);
}
