import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RoundingMode, roundDiv, roundScaled } from './rounding.js';

describe('roundDiv', () => {
  const cases: Array<[bigint, bigint, RoundingMode, bigint]> = [
    [5n, 2n, 'half_up', 3n],
    [5n, 2n, 'half_even', 2n],
    [7n, 2n, 'half_even', 4n],
    [-5n, 2n, 'half_up', -3n],
    [-5n, 2n, 'half_even', -2n],
    [-7n, 2n, 'half_even', -4n],
    [14n, 10n, 'half_up', 1n],
    [15n, 10n, 'half_up', 2n],
    [16n, 10n, 'half_up', 2n],
    [25n, 10n, 'half_even', 2n],
    [35n, 10n, 'half_even', 4n],
    [-14n, 10n, 'half_up', -1n],
    [-15n, 10n, 'half_up', -2n],
    [0n, 7n, 'half_up', 0n],
    [1n, 3n, 'half_up', 0n],
    [2n, 3n, 'half_up', 1n],
    [100n, 1n, 'half_even', 100n],
  ];
  it.each(cases)('%s / %s (%s) = %s', (n, d, mode, expected) => {
    expect(roundDiv(n, d, mode)).toBe(expected);
  });

  it('rejects a non-positive denominator', () => {
    expect(() => roundDiv(1n, 0n, 'half_up')).toThrow();
  });

  it('is odd-symmetric: round(-x) = -round(x) in both modes', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          for (const mode of ['half_up', 'half_even'] as const)
            expect(roundDiv(-n, d, mode)).toBe(-roundDiv(n, d, mode));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays within half a unit of the exact quotient', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          const q = roundDiv(n, d, 'half_up');
          const err = q * d - n;
          expect(2n * (err < 0n ? -err : err) <= d).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('roundScaled to minor units', () => {
  const cases: Array<[bigint, number, number, RoundingMode, bigint]> = [
    // 1.005 EUR at scale 3 → 1.01 (half-up) / 1.00 (half-even)
    [1005n, 3, 2, 'half_up', 101n],
    [1005n, 3, 2, 'half_even', 100n],
    [1015n, 3, 2, 'half_even', 102n],
    [1004n, 3, 2, 'half_up', 100n],
    [-1005n, 3, 2, 'half_up', -101n],
    // JPY: 0 digits
    [12_500n, 3, 0, 'half_up', 13n],
    [12_500n, 3, 0, 'half_even', 12n],
    [13_500n, 3, 0, 'half_even', 14n],
    // KWD: 3 digits, value at scale 4
    [12_345n, 4, 3, 'half_up', 1235n],
    [12_345n, 4, 3, 'half_even', 1234n],
    // already at or below the target scale: exact widening
    [123n, 2, 2, 'half_up', 123n],
    [123n, 0, 2, 'half_up', 12_300n],
    // deep scale: 0.004999.. stays at 0
    [4_999_999n, 9, 2, 'half_up', 0n],
    [5_000_000n, 9, 2, 'half_up', 1n],
  ];
  it.each(cases)('%s @%s → %s digits (%s) = %s', (units, scale, digits, mode, expected) => {
    expect(roundScaled(units, scale, digits, mode)).toBe(expected);
  });
});
