import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvField, formatSimulation } from './format-simulation.js';
import { parseActivity } from './parse-activity.js';
import { runSimulation } from './run-simulation.js';
import { simulateFromText } from './simulate-cli.js';

const example = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../docs/examples/deals/${name}`, import.meta.url)), 'utf8');

const CSV = `type,brandId,customerId,date,currency,stakes,wins,bonuses
igaming_day,casino,c1,2025-01-05,EUR,25000,15000,1500
igaming_day,casino,c1,2025-02-05,EUR,100,5100,0
igaming_day,casino,c1,2025-03-05,EUR,9000,0,0
`;
const DEAL = JSON.stringify({
  schemaVersion: 1,
  name: 'Sim',
  currency: 'EUR',
  segments: ['affiliate'],
  components: [
    {
      id: 'rs',
      kind: 'igaming_revshare',
      ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
      rate: '30',
      carryover: { enabled: true, scope: 'per_brand' },
    },
  ],
});

describe('deal simulator', () => {
  it('back-tests month by month with carried state: 8,500 → 2,550; −5,000 → 0; 9,000 − 5,000 → 1,200', () => {
    const activity = parseActivity(CSV, 'csv');
    if (!activity.ok) throw new Error(JSON.stringify(activity.errors));
    const out = runSimulation({ deal: JSON.parse(DEAL), activity: activity.rows });
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(out.result.periods.map((p) => p.id)).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(out.result.lines.map((l) => [l.periodId, l.amount])).toEqual([
      ['2025-01', 255_000n],
      ['2025-02', 0n],
      ['2025-03', 120_000n],
    ]);
    expect(out.result.totals).toEqual([
      { partnerId: 'simulated-partner', segment: 'affiliate', currency: 'EUR', amount: 375_000n, lines: 3 },
    ]);
  });

  it('formats table, json and csv', () => {
    const r = simulateFromText({ dealText: DEAL, activityText: CSV, activityFormat: 'csv', format: 'table' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/revshare/);
    expect(r.stdout).toMatch(/2550\.00/);
    expect(r.stdout).toMatch(/Totals\n {2}simulated-partner affiliate: 3750\.00 EUR \(3 lines\)/);
    const j = JSON.parse(
      simulateFromText({ dealText: DEAL, activityText: CSV, activityFormat: 'csv', format: 'json' }).stdout,
    );
    expect(j.lines[0].amount).toBe('2550.00');
    expect(j.lines[0].explanation.deductions).toEqual([
      { kind: 'bonuses', method: 'reported', amount: '1500' },
    ]);
    const csv = simulateFromText({
      dealText: DEAL,
      activityText: CSV,
      activityFormat: 'csv',
      format: 'csv',
    }).stdout.split('\r\n');
    expect(csv[0]).toBe(
      'periodId,partnerId,segment,payee,brandId,customerId,kind,amount,currency,holdUntil,dealId,dealVersion,componentId,derivedFrom,formula,lineId',
    );
    expect(csv[1]).toMatch(/^2025-01,simulated-partner,affiliate,partner,casino,,revshare,2550\.00,EUR,/);
    expect(csv).toHaveLength(5);
  });

  it('reads JSON activity for every row type', () => {
    const rows = [
      {
        type: 'trade',
        brandId: 'fx',
        customerId: 't1',
        tradeId: 'x',
        symbol: 'EURUSD',
        instrumentClass: 'fx',
        side: 'sell',
        lots: '2.5',
        openedAt: '2025-01-10T10:00:00Z',
        closedAt: '2025-01-10T12:00:00Z',
        currency: 'USD',
        spreadPerLot: '13.6',
      },
      {
        type: 'prop_purchase',
        brandId: 'p',
        customerId: 'b',
        purchaseId: 'pp',
        date: '2025-01-02',
        currency: 'EUR',
        amountPaid: '500',
      },
      {
        type: 'prop_refund',
        brandId: 'p',
        customerId: 'b',
        purchaseId: 'pp',
        date: '2025-01-03',
        currency: 'EUR',
        amount: '500',
        reason: 'chargeback',
      },
      {
        type: 'prop_payout',
        brandId: 'p',
        customerId: 'b',
        payoutId: 'po',
        date: '2025-01-04',
        currency: 'EUR',
        amount: '4000',
      },
      {
        type: 'deliverable',
        partnerId: 'x',
        segment: 'influencer',
        deliverableId: 'd',
        deliverableType: 'video',
        date: '2025-01-05',
      },
    ];
    const r = parseActivity(JSON.stringify(rows), 'json');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.rows[0]).toMatchObject({
      type: 'trade',
      side: 'sell',
      accountType: 'standard',
      spreadPerLot: 1360n,
      closedAt: Date.UTC(2025, 0, 10, 12),
    });
    expect(r.rows[1]).toMatchObject({ listPrice: 50_000n, purchaseKind: 'first' });
    expect(r.rows.map((x) => x.type)).toEqual([
      'trade',
      'prop_purchase',
      'prop_refund',
      'prop_payout',
      'deliverable',
    ]);
  });

  it('names the record and field of bad activity', () => {
    const bad = `type,brandId,customerId,date,currency,stakes,wins\nigaming_day,casino,c1,2025-13-05,EUR,12.345,x\nmystery,casino,c1,2025-01-01,EUR,1,1\n`;
    const r = parseActivity(bad, 'csv');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual([
        { record: 1, field: 'stakes', message: 'has more decimals than EUR allows' },
        { record: 1, field: 'wins', message: 'must be a decimal amount' },
        { record: 2, field: 'type', message: expect.stringMatching(/must be igaming_day/) },
      ]);
    }
  });

  it('rejects an invalid deal with the field named and exit code 2', () => {
    const r = simulateFromText({
      dealText: JSON.stringify({ ...JSON.parse(DEAL), currency: 'XYZ' }),
      activityText: CSV,
      activityFormat: 'csv',
      format: 'table',
    });
    expect(r).toMatchObject({ exitCode: 2, stdout: '' });
    expect(r.stderr).toMatch(/deal \/currency: unknown currency XYZ/);
  });

  it('runs the documented examples', () => {
    const r = simulateFromText({
      dealText: example('prop-influencer.json'),
      activityText: JSON.stringify([
        {
          type: 'prop_purchase',
          brandId: 'prop-main',
          customerId: 'b1',
          purchaseId: 'p1',
          date: '2025-01-05',
          currency: 'USD',
          amountPaid: '500',
        },
      ]),
      activityFormat: 'json',
      format: 'json',
    });
    expect(r.exitCode).toBe(0);
    const lines = JSON.parse(r.stdout).lines as { kind: string; amount: string }[];
    expect(lines.map((l) => [l.kind, l.amount])).toEqual([
      ['prop_commission', '50.00'],
      ['retainer', '1500.00'],
    ]);
  });

  it('escapes CSV fields', () => {
    expect([csvField('plain'), csvField('a,b'), csvField('say "hi"'), csvField('two\nlines')]).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
    ]);
  });

  it('formats an empty result', () => {
    const out = runSimulation({ deal: JSON.parse(DEAL), activity: [] });
    if (!out.ok) throw new Error('deal should be valid');
    expect(formatSimulation(out.result, 'csv').split('\r\n')).toHaveLength(2);
  });
});
