import { describe, expect, it } from 'vitest';
import {
  type ClawbackRelease,
  decideClawbackRelease,
  type LineWorth,
  worthLeft,
} from './decide-clawback-release.js';

const w = (original: bigint, engine: bigint, manual: bigint, released = 0n): LineWorth => ({
  original,
  engine,
  manual,
  released,
});

describe('decideClawbackRelease: a refund and a clawback of one line never take back more than it was worth', () => {
  const cases: { name: string; worth: LineWorth; expect: ClawbackRelease }[] = [
    {
      name: 'no clawback: the close alone decides',
      worth: w(15000n, -15000n, 0n),
      expect: { kind: 'none', reason: 'no_manual_clawback' },
    },
    {
      name: 'clawback only, no refund yet',
      worth: w(15000n, 0n, -15000n),
      expect: { kind: 'none', reason: 'settled' },
    },
    {
      name: 'full clawback, then the full refund: the whole clawback is released',
      worth: w(15000n, -15000n, -15000n),
      expect: { kind: 'book', amount: 15000n, target: 15000n, overTaken: 15000n },
    },
    {
      name: '50.00 of 150.00 clawed back, then the full refund: 50.00 released',
      worth: w(15000n, -15000n, -5000n),
      expect: { kind: 'book', amount: 5000n, target: 5000n, overTaken: 5000n },
    },
    {
      name: '100.00 clawed back, then half refunded (−75.00): only the 25.00 overlap is released',
      worth: w(15000n, -7500n, -10000n),
      expect: { kind: 'book', amount: 2500n, target: 2500n, overTaken: 2500n },
    },
    {
      name: '50.00 clawed back, half refunded: 125.00 taken back in all, nothing to release',
      worth: w(15000n, -7500n, -5000n),
      expect: { kind: 'none', reason: 'settled' },
    },
    {
      name: 'already released: deciding again books nothing (idempotent)',
      worth: w(15000n, -15000n, -15000n, 15000n),
      expect: { kind: 'none', reason: 'settled' },
    },
    {
      name: 'the clawback was rejected after its release: the release is withdrawn',
      worth: w(15000n, -15000n, 0n, 15000n),
      expect: { kind: 'book', amount: -15000n, target: 0n, overTaken: 0n },
    },
    {
      name: 'late data took the refund back: the release is withdrawn',
      worth: w(15000n, 0n, -5000n, 5000n),
      expect: { kind: 'book', amount: -5000n, target: 0n, overTaken: -10000n },
    },
    {
      name: 'the refund grew after a partial release: the release grows, never beyond the clawback',
      worth: w(15000n, -15000n, -10000n, 2500n),
      expect: { kind: 'book', amount: 7500n, target: 10000n, overTaken: 10000n },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const d = decideClawbackRelease(c.worth);
      expect(d).toEqual(c.expect);
      if (d.kind === 'book') {
        const after = { ...c.worth, released: d.target };
        expect(decideClawbackRelease(after).kind).toBe('none');
        // never more than the line was worth, and finance's clawback is the only thing released
        expect(worthLeft(after) >= 0n || c.worth.original + c.worth.engine < 0n).toBe(true);
        expect(d.target <= -c.worth.manual).toBe(true);
      }
    });

  it('over every small combination: after the release nothing is taken back twice', () => {
    for (let engine = -20n; engine <= 0n; engine++)
      for (let manual = -12n; manual <= 0n; manual++)
        for (let released = 0n; released <= 12n; released += 3n) {
          const worth = w(12n, engine, manual, released);
          const d = decideClawbackRelease(worth);
          const target = d.kind === 'book' ? d.target : released;
          if (d.kind === 'none' && d.reason === 'no_manual_clawback') continue;
          const after = { ...worth, released: target };
          expect(target >= 0n && target <= -manual).toBe(true);
          // taken back in all ≤ what the line was worth, unless the refund alone took more
          expect(worthLeft(after) >= 0n || 12n + engine - 0n < 0n).toBe(true);
          // and the release gives back nothing beyond the over-take
          expect(target <= (worthLeft(worth) - released < 0n ? -(worthLeft(worth) - released) : 0n)).toBe(
            true,
          );
        }
  });
});
