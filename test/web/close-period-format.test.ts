import { describe, expect, it } from 'vitest';
import { minorToDecimal, previousMonth } from '../../web/src/pages/money/close-period-format.js';

describe('close period helpers', () => {
  it('previousMonth is the month before, across a year end', () => {
    expect(previousMonth(new Date('2026-11-25T10:00:00Z'))).toBe('2026-10');
    expect(previousMonth(new Date('2027-01-02T00:00:00Z'))).toBe('2026-12');
    expect(previousMonth(new Date('2026-10-01T00:00:00Z'))).toBe('2026-09');
  });

  it('minorToDecimal writes minor units in the currency’s digits', () => {
    expect(minorToDecimal('13600', 'EUR')).toBe('136.00');
    expect(minorToDecimal('5', 'EUR')).toBe('0.05');
    expect(minorToDecimal('-1234', 'USD')).toBe('-12.34');
    expect(minorToDecimal('0', 'EUR')).toBe('0.00');
    expect(minorToDecimal('1500', 'JPY')).toBe('1500');
    expect(minorToDecimal('12345', 'KWD')).toBe('12.345');
  });
});
