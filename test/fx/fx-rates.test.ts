import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateCrossRate } from '../../src/fx/calculate-cross-rate.js';
import { calculateFxRows } from '../../src/fx/calculate-fx-rows.js';
import { findFxRate } from '../../src/fx/fx-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

const ECB = path.resolve(import.meta.dirname, '../../../shared/data/ecb/eurofxref-hist.csv');
const ecbText = fs.readFileSync(ECB, 'utf8');

describe('FX file parsing (pure)', () => {
  it('reads the ECB file as published: one EUR→CCY rate per cell, N/A skipped, retired currencies kept', () => {
    const r = calculateFxRows(ecbText);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.format).toBe('ecb');
    const usd = r.rows.find((x) => x.date === '2025-05-09' && x.quote === 'USD');
    expect(usd).toEqual({ date: '2025-05-09', base: 'EUR', quote: 'USD', rate: '1.1252', source: 'ECB' });
    expect(r.rows.some((x) => x.quote === 'CYP' && x.date === '2007-12-31')).toBe(true);
    expect(r.rows.some((x) => x.date === '2025-05-09' && x.quote === 'CYP')).toBe(false);
    expect(r.skipped).toBeGreaterThan(0);
  });

  it('rejects the whole generic file, naming every bad row', () => {
    const r = calculateFxRows(
      'date,from,to,rate\n2025-01-02,EUR,USD,1.03\n2025-13-01,EUR,USD,1\n2025-01-03,EUR,usd,-1\n2025-01-04,GBP,GBP,1',
    );
    expect(r).toEqual({
      kind: 'rejected',
      rejects: [
        { line: 3, reason: 'date: not a date "2025-13-01"' },
        {
          line: 4,
          reason: 'to: unknown currency "usd"; rate: not a positive decimal with at most 10 decimals "-1"',
        },
        { line: 5, reason: 'to: same currency as from' },
      ],
    });
  });

  it.each([
    ['1.1252', '0.8477', '0.7533771774'], // EUR→USD, EUR→GBP ⇒ USD→GBP = 0.8477 / 1.1252
    ['1', '1.1252', '1.1252'], // EUR→USD itself (shortest form)
    ['1.1252', '1', '0.8887308923'], // USD→EUR = 1 / 1.1252 = 0.88873089228…
    ['163.36', '1.1252', '0.006887855'], // JPY→USD = 1.1252 / 163.36 = 0.00688785504…
  ])('derives the cross rate through EUR (%s, %s) = %s, half-up at 10 decimals', (a, b, expected) => {
    expect(calculateCrossRate(a, b)).toBe(expected);
  });
});

let t: TestContext;
let finance: Session;
beforeAll(async () => {
  t = await createTestContext();
  finance = await t.loginAs('finance');
});
afterAll(() => t.close());

const csv = (s: Session, body: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/fx-rates/import',
    payload: body,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'text/csv' },
  });

describe(`FX rates table [${ENGINE}]`, { timeout: 120_000 }, () => {
  it('imports the real ECB file through the API, then a re-import changes nothing', async () => {
    const first = await csv(finance, ecbText);
    expect(first.statusCode).toBe(200);
    const r = first.json();
    expect(r).toMatchObject({
      format: 'ecb',
      firstDate: '1999-01-04',
      lastDate: '2025-05-09',
      updated: 0,
      unchanged: 0,
    });
    expect(r.inserted).toBe(r.rows);
    const tail = ecbText.split('\n').slice(0, 30).join('\n');
    const again = (await csv(finance, tail)).json();
    expect(again.inserted).toBe(0);
    expect(again.updated).toBe(0);
    expect(again.unchanged).toBe(again.rows);
    const audit = await t.services.db
      .selectFrom('audit_log')
      .select('diff')
      .where('action', '=', 'fx_rates.imported')
      .execute();
    expect(audit).toHaveLength(2);
    expect((audit[0]!.diff as { count: number }).count).toBe(r.rows);
  });

  it('converts at the last rate on or before the event date, through EUR, and refuses stale rates', async () => {
    // Saturday 2025-05-10: Friday's rates
    const sat = await finance.request('GET', '/api/v1/fx-rates/lookup?from=EUR&to=USD&date=2025-05-10');
    expect(sat.json()).toEqual({
      from: 'EUR',
      to: 'USD',
      rate: '1.1252',
      date: '2025-05-09',
      source: 'ECB',
      derived: false,
    });
    const cross = await finance.request('GET', '/api/v1/fx-rates/lookup?from=USD&to=GBP&date=2025-05-09');
    expect(cross.json()).toMatchObject({
      rate: '0.7533771774',
      date: '2025-05-09',
      source: 'ECB via EUR',
      derived: true,
    });
    const stale = await finance.request('GET', '/api/v1/fx-rates/lookup?from=EUR&to=USD&date=2025-06-30');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toContain('2025-05-09, 52 days old (limit 7)');
    const tolerant = await finance.request(
      'GET',
      '/api/v1/fx-rates/lookup?from=EUR&to=USD&date=2025-06-30&maxAgeDays=60',
    );
    expect(tolerant.statusCode).toBe(200);
    const missing = await findFxRate(t.services.db, 'EUR', 'USD', '1998-12-31', 7);
    expect(missing.kind).toBe('missing');
  });

  it('a corrected rate is an update, counted and audited', async () => {
    const res = await finance.request('POST', '/api/v1/fx-rates', {
      rates: [{ date: '2025-05-09', from: 'EUR', to: 'USD', rate: '1.1260', source: 'manual correction' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inserted: 0, updated: 1 });
    const after = await findFxRate(t.services.db, 'EUR', 'USD', '2025-05-09', 7);
    expect(after).toMatchObject({ rate: '1.126', source: 'manual correction' });
  });

  it('refuses a file with bad rows as a whole (400, every bad line named), and non-finance roles', async () => {
    const before = (
      await t.services.db
        .selectFrom('fx_rates')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    const res = await csv(
      finance,
      'date,from,to,rate\n2030-01-02,EUR,USD,1.2\n2030-01-03,EUR,USD,abc\n2030-01-04,XX,USD,1',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.rejects.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    const after = (
      await t.services.db
        .selectFrom('fx_rates')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(after).toBe(before);
    const analyst = await t.loginAs('analyst');
    expect((await csv(analyst, 'date,from,to,rate\n2030-01-02,EUR,USD,1.2')).statusCode).toBe(403);
    const listed = (await analyst.request('GET', '/api/v1/fx-rates?base=EUR&quote=USD&limit=1')).json().items;
    expect(listed).toHaveLength(1);
    // the list shows rates in their shortest form, as the lookup does (the column pads to 10 decimals)
    expect(listed[0].rate).toMatch(/^\d+(\.\d*[1-9])?$/);
  });
});
