import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../src/ledger/close-period.js';
import { runCli } from '../helpers/run-cli.js';
import { ENGINE } from '../helpers/test-db.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { addBrand, addContract, addCustomer, addPartner, addPurchase } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let ctx: TestContext;

async function seed(code: string, partnerId: string) {
  const brandId = await addBrand(ctx.services, code, 'prop', 'USD');
  await addContract(ctx.services, partnerId, brandId, {
    schemaVersion: 1,
    name: 'prop',
    currency: 'USD',
    segments: ['influencer'],
    brands: [brandId],
    components: [
      {
        id: 'ch',
        kind: 'prop_purchase',
        rate: '10',
        purchases: 'recurring',
        base: 'amount_paid',
        refundWindowDays: 14,
        onRefund: 'void',
      },
    ],
  });
  for (let i = 0; i < 6; i++) {
    const c = await addCustomer(ctx.services, brandId, partnerId, 'influencer', `k${i}`);
    await addPurchase(
      ctx.services,
      brandId,
      c,
      `P${i}`,
      `2025-01-${String(10 + i).padStart(2, '0')}`,
      10_000 * (i + 1),
    );
  }
  return brandId;
}

/** The brand's ledger with generated ids (line, entry, transaction, brand, customer and deal ids) replaced. */
async function ledgerOf(brandId: string) {
  const db = ctx.services.db;
  const customers = await db
    .selectFrom('customers')
    .select(['public_id', 'external_id'])
    .where('brand_id', '=', brandId)
    .execute();
  const deals = await db.selectFrom('contracts').select('id').where('brand_id', '=', brandId).execute();
  const norm = (s: string) => {
    let out = s.split(brandId).join('BRAND');
    for (const c of customers) out = out.split(c.public_id).join(`CUST:${c.external_id}`);
    for (const d of deals) out = out.split(d.id).join('DEAL');
    return out;
  };
  const lines = await db
    .selectFrom('commission_lines')
    .select(['line_key', 'kind', 'amount', 'currency', 'state', 'explanation', 'hold_until'])
    .where('brand_id', '=', brandId)
    .orderBy('line_key')
    .execute();
  const entries = await db
    .selectFrom('ledger_entries')
    .select(['entry_key', 'account', 'amount', 'currency', 'cause'])
    .where('brand_id', '=', brandId)
    .orderBy('entry_key')
    .execute();
  return {
    lines: lines.map((l) => norm(JSON.stringify(l))).sort(),
    entries: entries.map((e) => norm(JSON.stringify(e))).sort(),
  };
}

describe.skipIf(ENGINE !== 'postgres')('close killed with SIGKILL (PostgreSQL)', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
  }, 150_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('re-running after a SIGKILL mid-close gives the ledger of an uninterrupted run', async () => {
    const partner = await addPartner(ctx.services);
    const a = await seed('crash-a', partner);
    const b = await seed('crash-b', partner);
    await closePeriod(ctx.services, {
      brand: 'crash-b',
      period: '2025-01',
      actor: { type: 'cli', id: 'consort close' },
    });

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'src/cli/main.ts'),
        'close',
        '--brand',
        'crash-a',
        '--period',
        '2025-01',
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: ctx.url,
          CONSORT_LOG_LEVEL: 'silent',
          CONSORT_FAULT_CLOSE_STALL_AFTER_BATCHES: '2',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stalled = await new Promise<boolean>((resolve) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        if (err.includes('stalled')) resolve(true);
      });
      child.on('exit', () => {
        console.error(err);
        resolve(false);
      });
    });
    expect(stalled).toBe(true);
    const { sql } = await import('kysely');
    // two lines were written inside the open transaction when the process dies
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    // the server rolls the dead session back (wait until its backend is gone)
    for (let i = 0; i < 200; i++) {
      const r = await sql<{
        n: string;
      }>`select count(*)::text as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`.execute(
        ctx.services.db,
      );
      if (r.rows[0]!.n === '0') break;
      await new Promise((res) => setImmediate(res));
    }
    const written = await ctx.services.db
      .selectFrom('commission_lines')
      .select('id')
      .where('brand_id', '=', a)
      .execute();
    expect(written).toEqual([]);

    const rerun = await runCli(['close', '--brand', 'crash-a', '--period', '2025-01', '--no-progress'], {
      DATABASE_URL: ctx.url,
    });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('closed crash-a 2025-01');
    expect(await ledgerOf(a)).toEqual(await ledgerOf(b));
    expect((await ledgerOf(a)).lines).toHaveLength(6);
    expect((await ledgerOf(a)).entries).toHaveLength(12);
  }, 300_000);
});
