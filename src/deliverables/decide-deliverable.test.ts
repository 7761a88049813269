import { describe, expect, it } from 'vitest';
import { checkDeliveredOn, decideDeliverable } from './decide-deliverable.js';

describe('deliverable decisions', () => {
  it.each([
    ['submitted', 'approve', undefined, { kind: 'decide', status: 'approved', reason: null }],
    ['submitted', 'approve', ' great reach ', { kind: 'decide', status: 'approved', reason: 'great reach' }],
    ['submitted', 'reject', 'not on brand', { kind: 'decide', status: 'rejected', reason: 'not on brand' }],
  ] as const)('%s + %s (%s) → decided', (current, decision, reason, expected) => {
    expect(decideDeliverable(current, decision, reason)).toEqual(expected);
  });

  it('refuses a rejection without a reason, naming the field', () => {
    expect(decideDeliverable('submitted', 'reject', '  ')).toMatchObject({
      kind: 'refuse',
      code: 'VALIDATION_FAILED',
      field: '/reason',
    });
  });

  it.each(['approved', 'rejected'] as const)('a %s deliverable cannot be decided again', (current) => {
    expect(decideDeliverable(current, 'approve', undefined)).toMatchObject({
      kind: 'refuse',
      code: 'INVALID_TRANSITION',
    });
  });

  it.each([
    ['2025-02-28', '2025-03-01', null],
    ['2025-03-02', '2025-03-01', null], // tomorrow: the brand may be ahead of UTC
    ['2025-03-03', '2025-03-01', 'must not be in the future'],
    ['2025-02-30', '2025-03-01', 'must be a real date'],
    ['2024-02-29', '2025-03-01', null],
  ])('delivered on %s, today %s → %s', (day, today, expected) => {
    expect(checkDeliveredOn(day, today)).toBe(expected);
  });
});
