import { describe, expect, it } from 'vitest';
import { calculateVetting } from '../../src/onboarding/calculate-vetting.js';
import { calculateNps } from '../../src/partners/calculate-nps.js';
import { decideStatusTransition, type PartnerStatus } from '../../src/partners/decide-status-transition.js';

const ok = { trigger: 'manual' as const, hasAcceptedContract: true, documentProblems: [], reason: 'because' };

describe('status workflow (pure)', () => {
  it.each<[PartnerStatus, PartnerStatus, string]>([
    ['applied', 'in_review', 'allow'],
    ['applied', 'active', 'invalid_transition'],
    ['in_review', 'approved', 'allow'],
    ['in_review', 'rejected', 'allow'],
    ['approved', 'active', 'invalid_transition'],
    ['rejected', 'in_review', 'allow'],
    ['rejected', 'approved', 'invalid_transition'],
    ['contracted', 'active', 'allow'],
    ['active', 'suspended', 'allow'],
    ['active', 'contracted', 'invalid_transition'],
    ['suspended', 'active', 'allow'],
    ['suspended', 'terminated', 'allow'],
    ['terminated', 'active', 'invalid_transition'],
  ])('%s → %s: %s', (from, to, kind) => {
    expect(decideStatusTransition(from, to, ok).kind).toBe(kind);
  });

  it('names the moves, needs reasons, contracts and documents', () => {
    expect(decideStatusTransition('suspended', 'active', ok)).toMatchObject({
      kind: 'allow',
      move: 'reinstated',
    });
    expect(decideStatusTransition('active', 'suspended', { ...ok, reason: ' ' }).kind).toBe(
      'reason_required',
    );
    expect(decideStatusTransition('approved', 'contracted', { ...ok, hasAcceptedContract: false }).kind).toBe(
      'needs_accepted_contract',
    );
    expect(
      decideStatusTransition('contracted', 'active', {
        ...ok,
        documentProblems: [{ type: 'identity', problem: 'expired' }],
      }),
    ).toEqual({ kind: 'documents_not_in_order', problems: [{ type: 'identity', problem: 'expired' }] });
    expect(decideStatusTransition('applied', 'active', ok)).toMatchObject({
      allowed: ['in_review', 'rejected'],
    });
  });
});

describe('vetting checklist (pure)', () => {
  const requirements = [
    { segment: 'ib', jurisdiction: '*', documentType: 'identity', note: '' },
    { segment: 'ib', jurisdiction: 'CySEC', documentType: 'proof_of_address', note: '' },
    { segment: 'affiliate', jurisdiction: 'UKGC', documentType: 'marketing_approval', note: '' },
  ];
  const doc = (
    type: string,
    reviewStatus: 'pending' | 'approved' | 'rejected',
    expiresOn: string | null,
    createdAt = '2026-01-01',
  ) => ({
    id: `${type}-${reviewStatus}-${expiresOn}`,
    type,
    reviewStatus,
    expiresOn,
    createdAt,
  });
  it.each([
    ['missing', [], 'missing'],
    ['pending', [doc('identity', 'pending', null)], 'unreviewed'],
    ['rejected', [doc('identity', 'rejected', null)], 'rejected'],
    ['expired', [doc('identity', 'approved', '2026-02-28')], 'expired'],
    ['expiring within 30 days', [doc('identity', 'approved', '2026-03-20')], 'expiring'],
    ['approved', [doc('identity', 'approved', '2027-01-01')], 'ok'],
    [
      'a valid one beats an expired one',
      [doc('identity', 'approved', '2026-01-01'), doc('identity', 'approved', null)],
      'ok',
    ],
  ] as const)('%s', (_label, documents, state) => {
    const r = calculateVetting({
      segments: ['ib'],
      jurisdictions: [],
      requirements,
      documents,
      today: '2026-03-01',
    });
    expect(r.items.map((i) => [i.documentType, i.state])).toEqual([['identity', state]]);
    expect(r.problems.length).toBe(state === 'ok' || state === 'expiring' ? 0 : 1);
  });
  it('adds the jurisdiction lines of the brands', () => {
    const r = calculateVetting({
      segments: ['ib', 'affiliate'],
      jurisdictions: ['CySEC'],
      requirements,
      documents: [],
      today: '2026-03-01',
    });
    expect(r.problems).toEqual([
      { type: 'identity', problem: 'missing' },
      { type: 'proof_of_address', problem: 'missing' },
    ]);
  });
});

describe('NPS (pure)', () => {
  it.each([
    [[], null],
    [[10, 9, 8, 7, 6], 20],
    [[0, 0, 10], -33.3],
    [[9, 10], 100],
    [[7, 8], 0],
  ] as const)('%j → %s', (scores, nps) => {
    expect(calculateNps(scores).nps).toBe(nps);
  });
});
