import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCurrency, minorDigits } from './currency.js';
import { formatScaled, formatScaledTrim, parseDecimal } from './decimal.js';
import { convertMoney, createFxTable } from './fx.js';
import { addMoney, formatMoney, money, negateMoney, parseMoney, subtractMoney, sumMoney } from './money.js';
import { parsePercent, percentOf } from './percent.js';

describe('currencies', () => {
  it.each([
    ['JPY', 0],
    ['EUR', 2],
    ['USD', 2],
    ['KWD', 3],
    ['BHD', 3],
  ])('%s has %s minor digits', (code, digits) => {
    expect(minorDigits(code)).toBe(digits);
  });
  it('rejects unknown codes', () => {
    expect(isCurrency('XXX')).toBe(false);
    expect(() => minorDigits('EURO')).toThrow();
  });
});

describe('parseMoney / formatMoney', () => {
  const ok: Array<[string, string, bigint, string]> = [
    ['12.34', 'EUR', 1234n, '12.34'],
    ['12', 'EUR', 1200n, '12.00'],
    ['-0.5', 'USD', -50n, '-0.50'],
    ['1500', 'JPY', 1500n, '1500'],
    ['1.000', 'JPY', 1n, '1'],
    ['0.125', 'KWD', 125n, '0.125'],
    ['12.340', 'EUR', 1234n, '12.34'],
  ];
  it.each(ok)('%s %s → %s minor', (text, cur, minor, formatted) => {
    const r = parseMoney(text, cur);
    expect(r).toEqual({ kind: 'ok', money: { amount: minor, currency: cur } });
    if (r.kind === 'ok') expect(formatMoney(r.money)).toBe(formatted);
  });
  it.each([
    ['12.345', 'EUR', 'too_precise'],
    ['1.5', 'JPY', 'too_precise'],
    ['abc', 'EUR', 'not_decimal'],
    ['1e3', 'EUR', 'not_decimal'],
    ['1', 'ZZZ', 'unknown_currency'],
  ])('%s %s is refused (%s)', (text, cur, reason) => {
    expect(parseMoney(text, cur)).toEqual({ kind: 'error', reason });
  });
});

describe('arithmetic', () => {
  it('adds, subtracts, negates and sums in one currency', () => {
    const a = money(1050n, 'EUR');
    const b = money(250n, 'EUR');
    expect(addMoney(a, b).amount).toBe(1300n);
    expect(subtractMoney(b, a).amount).toBe(-800n);
    expect(negateMoney(a).amount).toBe(-1050n);
    expect(sumMoney([a, b, b], 'EUR').amount).toBe(1550n);
  });
  it('refuses to mix currencies', () => {
    expect(() => addMoney(money(1n, 'EUR'), money(1n, 'USD'))).toThrow(/Currency mismatch/);
  });
});

describe('percentOf', () => {
  const cases: Array<[bigint, string, string, bigint]> = [
    [1_234_5n, 'EUR', '5', 617n], // 5% of 123.45 = 6.1725 → 6.17
    [50_000n, 'EUR', '15', 7_500n], // €500 at 15% → €75
    [400_000n, 'EUR', '2.5', 10_000n], // 2.5% of 4,000 → 100
    [1n, 'EUR', '50', 1n], // 0.005 → 0.01 half-up
    [-1n, 'EUR', '50', -1n],
    [333n, 'JPY', '33.3333', 111n],
  ];
  it.each(cases)('%s minor %s × %s%% = %s', (amount, cur, pct, expected) => {
    expect(percentOf(money(amount, cur), parsePercent(pct)!, 'half_up').amount).toBe(expected);
  });
  it('refuses more than 4 decimals', () => {
    expect(parsePercent('1.23456')).toBeUndefined();
  });
});

describe('FX conversion', () => {
  const cases: Array<[bigint, string, string, string, bigint]> = [
    [10_000n, 'EUR', '1.0850', 'USD', 10_850n],
    [100n, 'USD', '151.237', 'JPY', 151n], // 1.00 USD → 151.237 → 151 JPY
    [150n, 'USD', '151.237', 'JPY', 227n], // 1.50 → 226.8555 → 227
    [1000n, 'JPY', '0.0061', 'EUR', 610n], // 1000 JPY → 6.10 EUR
    [1_000n, 'EUR', '0.3312', 'KWD', 3_312n], // 10.00 EUR → 3.312 KWD
    [-10_000n, 'EUR', '1.08505', 'USD', -10_851n], // −108.505 → −108.51 (ties away from zero)
  ];
  it.each(cases)('%s %s at %s → %s %s', (amount, from, rate, to, expected) => {
    expect(convertMoney(money(amount, from), parseDecimal(rate)!, to, 'half_up')).toEqual({
      amount: expected,
      currency: to,
    });
  });

  it('looks up the rate of the date or the last one published before it', () => {
    const table = createFxTable([
      { date: '2025-01-03', base: 'EUR', quote: 'USD', rate: '1.03' },
      { date: '2025-01-06', base: 'EUR', quote: 'USD', rate: '1.04' },
    ]);
    expect(table.lookup('EUR', 'USD', '2025-01-05')).toMatchObject({
      kind: 'rate',
      rate: { units: 103n, scale: 2 },
    });
    expect(table.lookup('EUR', 'USD', '2025-01-06')).toMatchObject({
      kind: 'rate',
      rate: { units: 104n, scale: 2 },
    });
    expect(table.lookup('EUR', 'USD', '2025-01-02').kind).toBe('missing');
    expect(table.lookup('USD', 'EUR', '2025-01-06').kind).toBe('missing');
    expect(table.lookup('EUR', 'EUR', '2025-01-06')).toMatchObject({
      kind: 'rate',
      rate: { units: 1n, scale: 0 },
    });
  });
});

describe('formatScaledTrim', () => {
  it.each([
    [7500n, 3, '7.5'],
    [3000n, 3, '3'],
    [0n, 4, '0'],
    [-1230n, 2, '-12.3'],
    [5n, 3, '0.005'],
    [-5n, 3, '-0.005'],
    [1200n, 0, '1200'],
  ])('%s at scale %s → %s', (units, scale, expected) => {
    expect(formatScaledTrim(units, scale)).toBe(expected);
  });
});

describe('formatScaledTrim against the fixed-scale text', () => {
  /** The reference: the fixed-scale text, then its trailing fractional zeros and point removed. */
  const reference = (units: bigint, scale: number) => {
    const s = formatScaled(units, scale);
    return scale === 0 || units === 0n ? (units === 0n ? '0' : s) : s.replace(/0+$/, '').replace(/\.$/, '');
  };

  it.each([
    [0n, 24, '0'],
    [7500n, 3, '7.5'],
    [3000n, 3, '3'],
    [-3000n, 3, '-3'],
    [5n, 3, '0.005'],
    [-50n, 3, '-0.05'],
    [123n, 0, '123'],
    [10n ** 30n, 24, '1000000'],
    [15n * 10n ** 22n, 24, '0.15'],
    [1n, 80, `0.${'0'.repeat(79)}1`],
  ])('%s at scale %s is %s', (units, scale, text) => {
    expect(formatScaledTrim(units, scale)).toBe(text);
  });

  it('matches the fixed-scale text with its trailing zeros removed, and parses back to the same value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }),
        fc.integer({ min: 0, max: 42 }),
        (u, scale) => {
          const text = formatScaledTrim(u, scale);
          expect(text).toBe(reference(u, scale));
          const back = parseDecimal(text)!;
          expect(back.units * 10n ** BigInt(scale - back.scale)).toBe(u);
        },
      ),
    );
  });
});
