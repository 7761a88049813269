import { describe, expect, it } from 'vitest';
import { type DealInForce, decideNegativeBalanceRule } from './decide-negative-balance.js';
import { decidePayout, type PayoutCandidate } from './decide-payout.js';

const deal = (negativeBalance: string | null, name = 'd', version = 1): DealInForce => ({
  dealId: `id-${name}`,
  version,
  name,
  negativeBalance,
});

describe('decideNegativeBalanceRule: the deal in force decides', () => {
  const cases: { name: string; deals: DealInForce[]; policy: 'carry' | 'reset'; decidedBy: string | null }[] =
    [
      { name: 'no deal in force carries', deals: [], policy: 'carry', decidedBy: null },
      { name: 'absent field is carry', deals: [deal(null, 'a')], policy: 'carry', decidedBy: 'a' },
      { name: 'explicit carry', deals: [deal('carry', 'a')], policy: 'carry', decidedBy: 'a' },
      { name: 'reset', deals: [deal('reset', 'a')], policy: 'reset', decidedBy: 'a' },
      { name: 'unknown value is carry', deals: [deal('forgive', 'a')], policy: 'carry', decidedBy: 'a' },
      {
        name: 'several deals: carry if any says carry',
        deals: [deal('reset', 'a'), deal('carry', 'b')],
        policy: 'carry',
        decidedBy: 'b',
      },
      {
        name: 'several deals: a default (absent) counts as carry',
        deals: [deal('reset', 'a'), deal(null, 'b'), deal('reset', 'c')],
        policy: 'carry',
        decidedBy: 'b',
      },
      {
        name: 'several deals all reset',
        deals: [deal('reset', 'a'), deal('reset', 'b')],
        policy: 'reset',
        decidedBy: 'a',
      },
    ];
  it.each(cases)('$name', ({ deals, policy, decidedBy }) => {
    const r = decideNegativeBalanceRule(deals);
    expect(r.policy).toBe(policy);
    expect(r.deal?.name ?? null).toBe(decidedBy);
    expect(r.detail).toContain(policy === 'reset' ? 'reset' : 'carr');
  });
});

describe('decidePayout: negative balances per the deal', () => {
  const base: PayoutCandidate = {
    partnerId: 'p',
    currency: 'EUR',
    amount: 0n,
    payoutsBlocked: false,
    taxFormStatus: 'w9',
    method: { kind: 'bank', isChange: false, usableFrom: new Date(0), notifiedAt: new Date(0) },
  };
  const now = new Date('2025-03-01T00:00:00Z');
  const rules = { minPayout: 5000n, taxFormRequired: true };
  const cases: {
    name: string;
    c: Partial<PayoutCandidate>;
    expect: { kind: string; reason?: string; amount?: bigint };
  }[] = [
    {
      name: 'negative, default carry',
      c: { amount: -8000n },
      expect: { kind: 'skip', reason: 'negative_balance' },
    },
    {
      name: 'negative, carry',
      c: { amount: -8000n, negativeBalance: 'carry' },
      expect: { kind: 'skip', reason: 'negative_balance' },
    },
    {
      name: 'negative, reset: written off by its size',
      c: { amount: -8000n, negativeBalance: 'reset' },
      expect: { kind: 'write_off', amount: 8000n },
    },
    {
      name: 'negative, reset, no payment method or tax form: still written off (nothing is paid)',
      c: { amount: -1n, negativeBalance: 'reset', method: null, taxFormStatus: 'missing' },
      expect: { kind: 'write_off', amount: 1n },
    },
    {
      name: 'negative, reset, suspended: held as it is',
      c: { amount: -8000n, negativeBalance: 'reset', payoutsBlocked: true },
      expect: { kind: 'skip', reason: 'partner_suspended' },
    },
    {
      name: 'zero under reset: nothing to write off',
      c: { amount: 0n, negativeBalance: 'reset' },
      expect: { kind: 'skip', reason: 'nothing_due' },
    },
    {
      name: 'positive under reset is paid as usual',
      c: { amount: 9000n, negativeBalance: 'reset' },
      expect: { kind: 'pay' },
    },
    {
      name: 'positive below threshold rolls over',
      c: { amount: 4999n, negativeBalance: 'reset' },
      expect: { kind: 'skip', reason: 'below_threshold' },
    },
  ];
  it.each(cases)('$name', ({ c, expect: e }) => {
    const d = decidePayout({ ...base, ...c }, rules, now);
    expect(d.kind).toBe(e.kind);
    if (d.kind === 'skip') expect(d.reason).toBe(e.reason);
    if (d.kind === 'write_off') expect(d.amount).toBe(e.amount);
  });
});
