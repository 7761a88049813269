import type { DeductionKind } from '../deals/index.js';
import type { Ppm } from '../money/index.js';

/** Reported totals of one customer (or one partner and brand), in the deal currency at a common scale. */
export interface NgrInputs {
  readonly stakes: bigint;
  readonly wins: bigint;
  readonly reported: Readonly<Record<DeductionKind, bigint>>;
}

export type CompiledDeduction =
  | { readonly kind: DeductionKind; readonly method: 'reported' }
  | {
      readonly kind: DeductionKind;
      readonly method: 'percent';
      readonly rate: Ppm;
      readonly base: 'ggr' | 'running_net';
    };

export interface NgrResult {
  /** stakes − wins, at the input scale + 6. */
  readonly ggr: bigint;
  /** Each deduction in the deal's order, at the input scale + 6. */
  readonly deductions: readonly {
    kind: DeductionKind;
    method: 'reported' | 'percent';
    base?: 'ggr' | 'running_net';
    rate?: Ppm;
    amount: bigint;
  }[];
  /** ggr − Σ deductions, at the input scale + 6. */
  readonly ngr: bigint;
}

/**
 * NGR = GGR − the deal's deductions, in the deal's order. A reported deduction is taken as reported; a
 * percent deduction is `rate` of GGR or of the running net (GGR less the deductions listed before it).
 * Percent deductions are linear, so per-customer NGRs add up exactly to the partner's NGR.
 * GGR 10,000 − bonuses 1,500 − jackpot 200 − tax 15% of GGR 1,500 − fees 500 − chargebacks 300 −
 * admin 10% of GGR 1,000 = NGR 5,000.
 */
export function calculateNgr(inputs: NgrInputs, deductions: readonly CompiledDeduction[]): NgrResult {
  const ONE = 1_000_000n;
  const ggr = (inputs.stakes - inputs.wins) * ONE;
  let running = ggr;
  const out: NgrResult['deductions'][number][] = [];
  for (const d of deductions) {
    let amount: bigint;
    if (d.method === 'reported') {
      amount = inputs.reported[d.kind] * ONE;
      out.push({ kind: d.kind, method: 'reported', amount });
    } else {
      const base = d.base === 'ggr' ? ggr : running;
      amount = (base * d.rate) / ONE; // exact: base carries 6 spare digits of zeros
      out.push({ kind: d.kind, method: 'percent', base: d.base, rate: d.rate, amount });
    }
    running -= amount;
  }
  return { ggr, deductions: out, ngr: running };
}
