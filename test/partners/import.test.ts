import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideImportRows, type ImportRow } from '../../src/partners/decide-import-rows.js';
import { importPartners, parseImportCsv } from '../../src/partners/import-store.js';
import { runCli } from '../helpers/run-cli.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';
import { tempDir } from './support.js';

let t: TestContext;
let pm: Session;
const HEADER =
  'external_id,display_name,email,country,segments,status,tier,brand_code,manager_email,parent_external_id,link_codes,promo_codes';

/** A deterministic generator (mulberry32), so the file is the same on every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEGS = ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'];
const BAD_KINDS: Array<[string, (cols: string[]) => void]> = [
  [
    'unknown segment gamer',
    (c) => {
      c[4] = 'gamer';
    },
  ],
  [
    'is not an e-mail address',
    (c) => {
      c[2] = 'not-an-email';
    },
  ],
  [
    'unknown brand_code "nope"',
    (c) => {
      c[7] = 'nope';
    },
  ],
  [
    'is not a partner manager',
    (c) => {
      c[8] = 'nobody@example.com';
    },
  ],
  [
    'is not in the file',
    (c) => {
      c[9] = 'X-MISSING';
    },
  ],
  [
    'unknown status "paused"',
    (c) => {
      c[5] = 'paused';
    },
  ],
  [
    'display_name is empty',
    (c) => {
      c[1] = '';
    },
  ],
  [
    'is already in use',
    (c) => {
      c[10] = 'taken-code';
    },
  ],
  [
    'is not an ISO code',
    (c) => {
      c[3] = 'Germany';
    },
  ],
  [
    'repeats line 2',
    (c) => {
      c[2] = 'p0@import.example';
    },
  ],
];

/** 10,000 rows, 50 of them bad (5 of each kind), at lines chosen by the seed. Returns the CSV and the expected rejects. */
function generate(seed: number, managerEmail: string) {
  const r = rng(seed);
  const lines = [HEADER];
  const badLines = new Set<number>();
  while (badLines.size < 50) badLines.add(3 + Math.floor(r() * 9990));
  const expected: Array<{ line: number; contains: string }> = [];
  let k = 0;
  for (let i = 0; i < 10_000; i++) {
    const line = i + 2;
    const segs = SEGS.filter(() => r() < 0.3);
    if (segs.length === 0) segs.push(SEGS[i % SEGS.length]!);
    // parents only point to earlier good rows, so a bad row never drags a child with it
    let parent = '';
    if (i > 10 && r() < 0.3) {
      const j = Math.floor(r() * (i - 1));
      if ((j % 3 === 0) === (i % 3 === 0) && !badLines.has(j + 2)) parent = `P${j}`;
    }
    const cols = [
      `P${i}`,
      `Partner ${i}`,
      `p${i}@import.example`,
      ['GB', 'MT', 'CY', 'DE'][i % 4]!,
      segs.join(';'),
      ['active', 'active', 'contracted', 'suspended'][i % 4]!,
      ['standard', 'gold'][i % 2]!,
      i % 3 === 0 ? 'imp-fx' : 'imp-casino',
      i % 5 === 0 ? managerEmail : '',
      parent,
      r() < 0.5 ? `lnk${i}` : '',
      r() < 0.3 ? `PROMO${i}` : '',
    ];
    if (badLines.has(line)) {
      const [contains, spoil] = BAD_KINDS[k++ % BAD_KINDS.length]!;
      spoil(cols);
      expected.push({ line, contains });
    }
    lines.push(cols.map((c) => (c.includes(',') ? `"${c}"` : c)).join(','));
  }
  return { csv: `${lines.join('\n')}\n`, expected, badLines };
}

beforeAll(async () => {
  t = await createTestContext();
  pm = await t.loginAs('partner_manager', { email: 'import.pm@test.consort.local' });
  await t.createBrand('imp-casino');
  await t.createBrand('imp-fx', 'forex');
  const p = await t.createPartner({ name: 'Holder of taken-code' });
  const brand = await t.services.db
    .selectFrom('brands')
    .select('id')
    .where('code', '=', 'imp-casino')
    .executeTakeFirstOrThrow();
  await t.services.db
    .insertInto('tracking_links')
    .values({
      id: (await import('uuid')).v7(),
      code: 'taken-code',
      partner_id: p,
      segment: 'affiliate',
      brand_id: brand.id,
      kind: 'custom',
      name: '',
      sub_ids: '{}',
      status: 'active',
    } as never)
    .execute();
});
afterAll(() => t.close());

const count = async (table: 'partners' | 'tracking_links' | 'promo_codes' | 'partner_brands') =>
  Number(
    (
      await t.services.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`consort import partners: 10,000 rows, 50 bad [${ENGINE}]`, () => {
  const actor = { type: 'cli' as const, id: 'test' };

  it('a dry run reports exactly the bad rows with their reasons and writes nothing', async () => {
    const { csv, expected } = generate(20261125, pm.email);
    const rows = parseImportCsv(csv);
    expect(rows).toHaveLength(10_000);
    const before = await count('partners');
    const r = await importPartners(t.services, actor, rows, { dryRun: true });
    expect(r.rejects.map((x) => x.line)).toEqual(expected.map((e) => e.line));
    for (const [i, e] of expected.entries()) expect(r.rejects[i]!.reason).toContain(e.contains);
    expect(r.accepted).toBe(9_950);
    expect(r.written).toBe(false);
    expect(await count('partners')).toBe(before);
  });

  it('a real run with bad rows writes nothing; after fixing them, everything is written in one go', async () => {
    const { csv, badLines } = generate(20261125, pm.email);
    const before = { partners: await count('partners'), links: await count('tracking_links') };
    const failed = await importPartners(t.services, actor, parseImportCsv(csv), { dryRun: false });
    expect(failed.written).toBe(false);
    expect(failed.rejects).toHaveLength(50);
    expect(await count('partners')).toBe(before.partners);
    expect(await count('tracking_links')).toBe(before.links);

    const good = csv
      .split('\n')
      .filter((_l, i) => !badLines.has(i + 1))
      .join('\n');
    let progressed = 0;
    const ok = await importPartners(t.services, actor, parseImportCsv(good), {
      dryRun: false,
      onProgress: (done) => {
        progressed = done;
      },
    });
    expect(ok.rejects).toEqual([]);
    expect(ok.written).toBe(true);
    expect(progressed).toBe(9_950);
    expect(await count('partners')).toBe(before.partners + 9_950);
    expect(await count('partner_brands')).toBeGreaterThanOrEqual(9_950);
    // hierarchy, manager and codes came with the rows
    const sub = await t.services.db
      .selectFrom('partner_brands as pb')
      .innerJoin('partners as c', 'c.id', 'pb.partner_id')
      .innerJoin('partners as p', 'p.id', 'pb.parent_partner_id')
      .select(['c.display_name as child', 'p.display_name as parent'])
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(sub.parent).toMatch(/^Partner \d+$/);
    const managed = await t.services.db
      .selectFrom('partners')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('manager_user_id', '=', pm.userId)
      .executeTakeFirstOrThrow();
    expect(Number(managed.n)).toBeGreaterThan(1_900);
    const audit = await t.services.db
      .selectFrom('audit_log')
      .select('diff')
      .where('action', '=', 'partner.imported')
      .executeTakeFirstOrThrow();
    expect((audit.diff as { count: number }).count).toBe(9_950);
  });

  it('rejects a child whose parent row is rejected, and parent cycles', () => {
    const base = {
      email: '',
      country: '',
      segments: 'affiliate',
      status: '',
      tier: '',
      brandCode: 'b',
      managerEmail: '',
      linkCodes: '',
      promoCodes: '',
    };
    const rows: ImportRow[] = [
      { ...base, line: 2, externalId: 'A', displayName: '', parentExternalId: '' },
      { ...base, line: 3, externalId: 'B', displayName: 'B', parentExternalId: 'A' },
      { ...base, line: 4, externalId: 'C', displayName: 'C', parentExternalId: 'D' },
      { ...base, line: 5, externalId: 'D', displayName: 'D', parentExternalId: 'C' },
      { ...base, line: 6, externalId: 'E', displayName: 'E', parentExternalId: '' },
    ];
    const r = decideImportRows(rows, {
      segments: ['affiliate'],
      statuses: ['active'],
      brandCodes: new Set(['b']),
      managerEmails: new Set(),
      takenEmails: new Set(),
      takenCodes: new Set(),
    });
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([
      [2, 'display_name is empty'],
      [3, 'parent row (line 2) is rejected'],
      [4, 'parent_external_id forms a cycle'],
      [5, 'parent_external_id forms a cycle'],
    ]);
    expect(r.accepted.map((a) => a.externalId)).toEqual(['E']);
  });

  it('the CLI dry run prints every reject and exits 1', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'partners.csv');
    writeFileSync(
      file,
      `${HEADER}\nQ1,Quinn,quinn@cli.example,GB,affiliate,active,standard,imp-casino,,,,\nQ2,Bad,bad,GB,gamer,active,standard,imp-casino,,,,\n`,
    );
    const env = ENGINE === 'postgres' ? { DATABASE_URL: t.url } : {};
    const args =
      ENGINE === 'postgres'
        ? ['import', 'partners', file, '--dry-run']
        : ['--data-dir', path.join(dir, 'db'), 'import', 'partners', file, '--dry-run'];
    const r = await runCli(args, env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('line 3 (Q2): email "bad" is not an e-mail address');
    expect(r.stdout).toMatch(/2 row\(s\) read; dry run: \d row\(s\) would be imported, [12] rejected/);
    // a child process that starts the CLI from source (and, on PGlite, migrates a fresh folder): the other
    // CLI tests allow it the same time
  }, 180_000);
});
