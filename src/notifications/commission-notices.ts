import type { Transaction } from 'kysely';
import { formatScaled, minorDigits } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { notify } from './notification-store.js';

interface LineInfo {
  id: string;
  partner_id: string;
  amount: string;
  currency: string;
  hold_until: string | null;
}

/**
 * "Commission held or released" for a bulk line transition: one notification per partner and change, with
 * the line count and the totals per currency. `held`: approved while the hold period runs (payable after
 * `holdUntil`); `released`: the hold ended and the lines became payable. Other moves notify nothing.
 */
export async function notifyCommissionHolds(
  trx: Transaction<Database>,
  lines: readonly LineInfo[],
  changed: readonly { id: string; to: string }[],
  action: string,
  now: Date,
): Promise<void> {
  const change = action === 'approve' ? 'held' : action === 'release' ? 'released' : null;
  if (!change || changed.length === 0) return;
  const target = change === 'held' ? 'approved' : 'payable';
  const byId = new Map(lines.map((l) => [l.id, l]));
  const perPartner = new Map<string, { count: number; totals: Map<string, bigint>; holdUntil: string }>();
  for (const c of changed) {
    const l = byId.get(c.id);
    if (!l || c.to !== target) continue;
    const g = perPartner.get(l.partner_id) ?? { count: 0, totals: new Map(), holdUntil: '' };
    g.count += 1;
    g.totals.set(l.currency, (g.totals.get(l.currency) ?? 0n) + BigInt(l.amount));
    if (l.hold_until && l.hold_until > g.holdUntil) g.holdUntil = l.hold_until;
    perPartner.set(l.partner_id, g);
  }
  for (const [partnerId, g] of perPartner) {
    const amounts = [...g.totals]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cur, units]) => `${formatScaled(units, minorDigits(cur))} ${cur}`)
      .join(', ');
    await notify(
      trx,
      {
        event: 'commission_hold',
        partnerId,
        data: { change, lineCount: g.count, amounts, holdUntil: g.holdUntil },
        link: '/portal/earnings',
      },
      now,
    );
  }
}
