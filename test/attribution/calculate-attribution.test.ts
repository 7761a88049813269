import { describe, expect, it } from 'vitest';
import {
  type Claim,
  calculateAttribution,
  DEFAULT_ATTRIBUTION,
  isWithinWindow,
} from '../../src/attribution/calculate-attribution.js';
import { calculateMacroUrl } from '../../src/attribution/calculate-macros.js';
import { calculateCanonicalQuery, checkSignature } from '../../src/attribution/calculate-signature.js';
import { calculateDelta, calculateEventContribution } from '../../src/attribution/calculate-event-effects.js';

const T = new Date('2026-06-30T12:00:00.000Z');
const DAY = 86_400_000;
const at = (msBefore: number) => new Date(T.getTime() - msBefore);
const click = (partnerId: string, msBefore: number, extra: Partial<Claim> = {}): Claim => ({
  source: 'click',
  partnerId,
  segment: 'affiliate',
  at: at(msBefore),
  ...extra,
});
const none = { partnerId: null, segment: null, lockedAt: null };

describe('attribution window', () => {
  it.each([
    ['exactly 30 days before', 30 * DAY, true],
    ['30 days and 1 ms before', 30 * DAY + 1, false],
    ['at the event', 0, true],
    ['after the event', -1, false],
  ])('%s → %s', (_n, before, valid) => {
    expect(isWithinWindow(at(before), T, 30)).toBe(valid);
  });
});

describe('calculateAttribution', () => {
  const cases: Array<{
    name: string;
    settings?: Partial<typeof DEFAULT_ATTRIBUTION>;
    claims: Claim[];
    owner: string | null;
    overlaps: string[];
  }> = [
    { name: 'last click wins', claims: [click('A', 5 * DAY), click('B', DAY)], owner: 'B', overlaps: ['A'] },
    {
      name: 'first click option',
      settings: { model: 'first_click' },
      claims: [click('A', 5 * DAY), click('B', DAY)],
      owner: 'A',
      overlaps: ['B'],
    },
    {
      name: 'code overrides link',
      claims: [click('A', DAY), { source: 'code', partnerId: 'C', segment: 'influencer', at: T }],
      owner: 'C',
      overlaps: ['A'],
    },
    {
      name: 'code does not override when off: last wins (the code is at the event)',
      settings: { codeOverridesLink: false, model: 'first_click' },
      claims: [click('A', DAY), { source: 'code', partnerId: 'C', segment: 'influencer', at: T }],
      owner: 'A',
      overlaps: ['C'],
    },
    {
      name: 'clicks outside the window neither win nor overlap',
      claims: [click('A', 31 * DAY), click('B', DAY)],
      owner: 'B',
      overlaps: [],
    },
    {
      name: 'bot clicks never win',
      claims: [click('A', DAY, { eligible: false })],
      owner: null,
      overlaps: [],
    },
    {
      name: 'same partner, other segment is an overlap',
      claims: [click('A', 2 * DAY), click('A', DAY, { segment: 'ib' })],
      owner: 'A',
      overlaps: ['A'],
    },
  ];
  it.each(cases)('$name', (c) => {
    const d = calculateAttribution({
      settings: { ...DEFAULT_ATTRIBUTION, ...c.settings },
      current: none,
      claims: c.claims,
      eventAt: T,
      locking: true,
    });
    if (c.owner === null) expect(d.kind).toBe('keep');
    else {
      expect(d.kind).toBe('assign');
      if (d.kind === 'assign') expect(d.owner.partnerId).toBe(c.owner);
    }
    expect(d.overlaps.map((o) => o.partnerId)).toEqual(c.overlaps);
  });

  it('keeps a locked owner and records the competing claim', () => {
    const d = calculateAttribution({
      settings: DEFAULT_ATTRIBUTION,
      current: { partnerId: 'A', segment: 'affiliate', lockedAt: at(10 * DAY) },
      claims: [click('B', DAY)],
      eventAt: T,
      locking: false,
    });
    expect(d).toMatchObject({ kind: 'keep', reason: 'locked' });
    expect(d.overlaps.map((o) => o.partnerId)).toEqual(['B']);
  });

  it('a lock window ends: a new claim can take over after lockDays', () => {
    const d = calculateAttribution({
      settings: { ...DEFAULT_ATTRIBUTION, lockDays: 7 },
      current: { partnerId: 'A', segment: 'affiliate', lockedAt: at(10 * DAY) },
      claims: [click('B', DAY)],
      eventAt: T,
      locking: false,
    });
    expect(d.kind).toBe('assign');
  });
});

describe('macros, signatures, event effects', () => {
  it('expands macros URL-encoded, unknown ones empty', () => {
    expect(
      calculateMacroUrl('https://t.example/p?c={click_id}&s={sub1}&x={nope}', { click_id: 'a b', sub1: 'é' }),
    ).toBe('https://t.example/p?c=a%20b&s=%C3%A9&x=');
  });
  it('canonical query sorts pairs and drops signature and timestamp', () => {
    expect(
      calculateCanonicalQuery([
        ['b', '2'],
        ['signature', 'x'],
        ['a', '1'],
        ['timestamp', '1'],
      ]),
    ).toBe('a=1&b=2');
  });
  it.each([
    [{ timestamp: undefined, signature: 'x', expected: 'x' }, 'missing'],
    [{ timestamp: 'abc', signature: 'x', expected: 'x' }, 'bad_timestamp'],
    [{ timestamp: String(1_000_000_000 - 301), signature: 'x', expected: 'x' }, 'expired'],
    [{ timestamp: String(1_000_000_000 + 300), signature: 'y', expected: 'x' }, 'mismatch'],
    [{ timestamp: String(1_000_000_000 + 300), signature: 'sha256=X', expected: 'x' }, 'ok'],
  ])('signature %o → %s', (i, want) => {
    const r = checkSignature({
      ...i,
      nowSeconds: 1_000_000_000,
      toleranceSeconds: 300,
      equal: (a, b) => a === b,
    });
    expect(r.kind === 'ok' ? 'ok' : r.reason).toBe(want);
  });
  it('a deposit charged back removes its deposit again', () => {
    const before = calculateEventContribution({ type: 'deposit', status: 'approved', amount: 5000n });
    const after = calculateEventContribution({ type: 'deposit', status: 'chargeback', amount: 5000n });
    expect(calculateDelta(after, before)).toMatchObject({ deposits: -1n, depositAmount: -5000n });
  });
});
