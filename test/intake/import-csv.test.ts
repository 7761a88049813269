import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateActivityRecord } from '../../src/intake/activity-kinds.js';
import { importActivityCsv } from '../../src/intake/cli.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
let partnerId: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consort-import-'));
const HEADER =
  'trade_id,customer_id,symbol,instrument_class,account_type,side,lots,opened_at,closed_at,currency,spread_per_lot,commission';
const trade = (
  id: string,
  customer: string,
  lots: string,
  side = 'buy',
  spread = '1.50',
  commission = '3.00',
) =>
  `${id},${customer},EURUSD,fx,standard,${side},${lots},2026-06-01T10:00:00Z,2026-06-01T11:00:00Z,EUR,${spread},${commission}`;
/** Revenue of a trade in minor units: lots × spread per lot + commission. */
const revenue = (lots: number, spread = 150, commission = 300) => Math.round(lots * spread) + commission;

async function run(name: string, lines: string[]) {
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, `${[HEADER, ...lines].join('\n')}\n`);
  const rejects: Array<[number, string]> = [];
  const r = await importActivityCsv(t.services, {
    brandCode: 'imports',
    kind: 'trades',
    file,
    onReject: (line, problems) => rejects.push([line, problems]),
  });
  return { ...r, rejects };
}

async function ownedRevenue(): Promise<string | null> {
  const r = await sql<{ n: string | null }>`
    select sum(revenue)::text as n from rollups_daily where partner_id = ${partnerId} and day = '2026-06-01'`.execute(
    t.services.db,
  );
  return r.rows[0]!.n;
}

beforeAll(async () => {
  t = await createTestContext();
  const brandId = await t.createBrand('imports', 'forex');
  partnerId = await t.createPartner();
  const now = new Date();
  // one customer already owned by the partner: the revenue of its trades is rolled up for the partner
  await t.services.db
    .insertInto('customers')
    .values({
      id: uuidv7(),
      brand_id: brandId,
      external_id: 'owned-1',
      public_id: `C-${Date.now().toString(36)}`,
      owner_partner_id: partnerId,
      owner_segment: 'affiliate',
      attribution_source: 'staff',
      created_at: now,
      updated_at: now,
    } as never)
    .execute();
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await t.close();
});

describe(`CSV activity import [${ENGINE}]`, () => {
  it('inserts new rows, reports every rejected row, keeps the last of a repeated id, rolls up revenue', async () => {
    const r = await run('first', [
      trade('T1', 'owned-1', '2'),
      trade('T2', 'owned-1', '1'),
      trade('T3', 'fresh-1', '1'),
      trade('T4', 'fresh-2', '0', 'long'),
      trade('T2', 'owned-1', '3'),
      'T5,fresh-1,EURUSD,fx,standard,buy,1,2026-06-01T12:00:00Z,2026-06-01T11:00:00Z,EUR,1.50,3.00',
    ]);
    expect(r).toMatchObject({ read: 6, rejected: 2, inserted: 3, updated: 0, unchanged: 0 });
    expect(r.rejects).toEqual([
      [5, 'side must be one of buy, sell; lots must be a positive decimal with at most 4 decimals'],
      [7, 'closed_at is before opened_at'],
    ]);
    const rows = await t.services.db
      .selectFrom('trades')
      .select(['trade_id', 'lots', 'version'])
      .orderBy('trade_id')
      .execute();
    expect(rows).toEqual([
      { trade_id: 'T1', lots: '2.0000', version: 1 },
      { trade_id: 'T2', lots: '3.0000', version: 1 },
      { trade_id: 'T3', lots: '1.0000', version: 1 },
    ]);
    expect(await ownedRevenue()).toBe(String(revenue(2) + revenue(3)));
  });

  it('a repeated file changes nothing; a changed row is an update (version 2) and its revenue delta is rolled up', async () => {
    const again = await run('again', [
      trade('T1', 'owned-1', '2'),
      trade('T2', 'owned-1', '3'),
      trade('T3', 'fresh-1', '1'),
    ]);
    expect(again).toMatchObject({ read: 3, rejected: 0, inserted: 0, updated: 0, unchanged: 3 });
    expect(await ownedRevenue()).toBe(String(revenue(2) + revenue(3)));

    const changed = await run('changed', [
      trade('T1', 'owned-1', '2.5'),
      trade('T2', 'owned-1', '3'),
      trade('T6', 'owned-1', '1', 'sell', '2.00', '0'),
    ]);
    expect(changed).toMatchObject({ read: 3, rejected: 0, inserted: 1, updated: 1, unchanged: 1 });
    const t1 = await t.services.db
      .selectFrom('trades')
      .select(['lots', 'version'])
      .where('trade_id', '=', 'T1')
      .executeTakeFirstOrThrow();
    expect(t1).toEqual({ lots: '2.5000', version: 2 });
    expect(await ownedRevenue()).toBe(String(revenue(2.5) + revenue(3) + revenue(1, 200, 0)));
    const n = await sql<{ n: string }>`select count(*)::text as n from trades`.execute(t.services.db);
    expect(n.rows[0]!.n).toBe('4');
  });
});

describe('activity amounts', () => {
  /** The former regex-based conversion, kept here as the reference for the character scan. */
  function reference(text: string, digits: number): string | undefined {
    const m = /^-?\d{1,15}(?:\.(\d{1,3}))?$/.exec(text);
    if (!m) return undefined;
    const frac = m[1] ?? '';
    if (frac.length > digits) return undefined;
    const neg = text.startsWith('-');
    const int = (neg ? text.slice(1) : text).split('.')[0]!;
    const s = (int + frac.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
    return neg && s !== '0' ? `-${s}` : s;
  }
  it('converts decimals to minor units exactly as before, and rejects the same inputs', () => {
    const inputs = [
      '0',
      '00',
      '0.05',
      '-0.00',
      '-0',
      '12',
      '12.5',
      '12.50',
      '012.345',
      '1.2345',
      '-7.1',
      '.5',
      '5.',
      '1e3',
      '1,5',
      ' 1',
      '--1',
      '-',
      '',
      '123456789012345',
      '1234567890123456',
      '0.000',
      '9.99',
      'abc',
      '1.2.3',
      '00.10',
    ];
    for (const digits of [0, 2, 3])
      for (const text of inputs) {
        const r = validateActivityRecord(
          'funded-payouts',
          ['p1', 'c1', '2026-01-01', digits === 0 ? 'JPY' : digits === 3 ? 'KWD' : 'EUR', text],
          [0, 1, 2, 3, 4],
          '',
        );
        const want = reference(text.trim(), digits);
        if (text.trim() === '') expect(r.ok, JSON.stringify(text)).toBe(false);
        else if (want === undefined) expect(r.ok, `${text} (${digits})`).toBe(false);
        else expect(r.ok && r.values[4], `${text} (${digits})`).toBe(want);
      }
  });
});
