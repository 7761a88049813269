/**
 * Tracking benchmark: `npm run bench:tracking` (add `--quick` for a reduced run under 45 s). On the engine
 * given by DATABASE_URL (a scratch database is created on that server and dropped), else in-memory PGlite.
 * (a) redirects/s of `/r/:code` against a bare Fastify route answering the same 302 with no work;
 * (b) postbacks/s with 20% duplicates; (c) CSV import rows/s of 1,000,000 closed trades (100,000 quick).
 * Load comes from autocannon in a child process, so the client does not share the server's event loop.
 * Then it counts rows. The last line is JSON.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, serverOptions } from '../src/app.js';
import { writeAudited } from '../src/audit/write-audited.js';
import { createApiKey } from '../src/auth/api-key-store.js';
import { importActivityCsv } from '../src/intake/cli.js';
import { loadConfig } from '../src/platform/config.js';
import { closeServices, createServices } from '../src/platform/create-services.js';
import { openDatabase } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';
import { createTrackingLink } from '../src/tracking/tracking-asset-store.js';

const SELF = fileURLToPath(import.meta.url);

// ---------- client mode: run one autocannon load and print its result ----------
if (process.argv[2] === '--client') {
  const opts = JSON.parse(process.argv[3]!) as {
    url: string;
    duration: number;
    connections: number;
    kind: 'get' | 'postbacks';
    key?: string;
    clickIdsFile?: string;
    clickIds?: string[];
  };
  if (opts.clickIdsFile) opts.clickIds = JSON.parse(fs.readFileSync(opts.clickIdsFile, 'utf8'));
  let n = 0;
  let bad = 0;
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const body = (i: number) =>
    JSON.stringify({
      brand: 'bench',
      event: 'registration',
      event_id: `ev-${i}`,
      customer_id: `cust-${i}`,
      click_id: opts.clickIds![i % opts.clickIds!.length],
    });
  const instance = autocannon({
    url: opts.url,
    duration: opts.duration,
    connections: opts.connections,
    ...(opts.kind === 'postbacks'
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.key}` },
          requests: [
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.key}` },
              onResponse: (status: number, resBody: string) => {
                if (status !== 200 && bad++ < 3)
                  process.stderr.write(`postback ${status} ${resBody.slice(0, 200)}\n`);
              },
              setupRequest: (req: Record<string, unknown>) => {
                // 20% duplicates: re-send an id already sent, with identical content
                const dup = n > 10 && rnd() < 0.2;
                const i = dup ? Math.floor(rnd() * n) : n++;
                return { ...req, body: body(i) };
              },
            },
          ],
        }
      : {}),
  } as autocannon.Options);
  const r = await instance;
  process.stdout.write(
    JSON.stringify({
      rps: r.requests.average,
      total: r.requests.total,
      s2xx: r['2xx'],
      s3xx: r['3xx'],
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      sent: n,
    }),
  );
  process.exit(0);
}

function runClient(opts: object): Promise<{
  rps: number;
  total: number;
  s2xx: number;
  s3xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  sent: number;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--client', JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`)),
    );
  });
}

// ---------- bench ----------
const quick = process.argv.includes('--quick');
const DURATION = quick ? 4 : 15;
const CONNECTIONS = 50;
const TRADES = quick ? 100_000 : 1_000_000;
const engine: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const log = (m: string) => console.log(`[bench:tracking] ${m}`);

let scratchUrl: string | undefined;
let scratchName: string | undefined;
if (engine === 'postgres') {
  scratchName = `consort_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${scratchName}`);
  await admin.end();
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${scratchName}`;
  scratchUrl = u.toString();
}

const config = loadConfig(
  { logLevel: 'silent', databaseUrl: scratchUrl },
  { ...process.env, DATABASE_URL: scratchUrl ?? '' },
);
const database = await openDatabase(engine === 'postgres' ? { databaseUrl: scratchUrl!, poolSize: 20 } : {});
const services = await createServices(config, { database, logger: createLogger('silent') });
const result: Record<string, unknown> = { bench: 'tracking', db: engine, quick };
try {
  // setup: a brand, an active partner with a link, an operator key
  const now = new Date();
  const brandId = '0190a000-0000-7000-8000-000000000001';
  const partnerId = '0190a000-0000-7000-8000-000000000002';
  await services.db
    .insertInto('brands')
    .values({
      id: brandId,
      code: 'bench',
      name: 'Bench',
      vertical: 'forex',
      currency: 'USD',
      timezone: 'UTC',
      jurisdictions: [],
      landing_url_template: 'https://bench.example/?c={click_id}&s={sub1}',
      fallback_url: 'https://bench.example/',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await services.db
    .insertInto('partners')
    .values({
      id: partnerId,
      display_name: 'Bench IB',
      email: null,
      country: 'GB',
      status: 'active',
      segments: ['ib'],
      manager_user_id: null,
      created_at: now,
      updated_at: now,
    } as never)
    .execute();
  const { key, code } = await writeAudited(services, async (trx, t) => {
    const link = await createTrackingLink(
      trx,
      { type: 'system', id: 'bench' },
      { partnerId, segment: 'ib', brandId, code: 'benchlink' },
      t,
    );
    const k = await createApiKey(
      trx,
      { type: 'system', id: 'bench' },
      {
        name: 'bench',
        kind: 'operator',
        scopes: ['events:write'],
        brandIds: [],
        partnerId: null,
        expiresAt: null,
        createdBy: null,
      },
      t,
    );
    return { key: k.key, code: link.code };
  });

  const app = await buildApp(config, { services });
  // every 302 the server sent; the bare server carries the same counting hook, so both pay for it
  let answered = 0;
  let bareAnswered = 0;
  app.addHook('onResponse', (req, reply, done) => {
    if (reply.statusCode === 302 && req.url.startsWith('/r/')) answered++;
    done();
  });
  const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  // the bare route: a server made with the app's own server options, answering the same 302 (same status
  // and headers: location, the two first-party cookies, no-store) with constant values and no work
  const bare = Fastify(serverOptions(config, services.logger));
  bare.addHook('onResponse', (req, reply, done) => {
    if (reply.statusCode === 302 && req.url.startsWith('/r/')) bareAnswered++;
    done();
  });
  const BARE_CLICK = '0190a000-0000-7000-8000-000000000009';
  const bareCookies = [
    `consort_click=${BARE_CLICK}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`,
    'consort_vid=AAAAAAAAAAAAAAAAAAAAAA; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax',
  ];
  bare.get('/r/:code', (_req, reply) => {
    reply
      .header('set-cookie', bareCookies)
      .header('cache-control', 'no-store')
      .redirect(`https://bench.example/?c=${BARE_CLICK}&s=x`, 302);
  });
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  // (a) redirects vs bare (a short warm-up each, then the measured run)
  await runClient({ url: `${bareUrl}/r/${code}?sub1=x`, duration: 1, connections: CONNECTIONS, kind: 'get' });
  const bareRun = await runClient({
    url: `${bareUrl}/r/${code}?sub1=x`,
    duration: DURATION,
    connections: CONNECTIONS,
    kind: 'get',
  });
  await app.tracking.buffer.flush();
  const answeredBefore = answered;
  const warmClicks = (await sql<{ n: string }>`select count(*) as n from clicks`.execute(services.db))
    .rows[0]!.n;
  const redirectRun = await runClient({
    url: `${appUrl}/r/${code}?sub1=x`,
    duration: DURATION,
    connections: CONNECTIONS,
    kind: 'get',
  });
  await app.tracking.buffer.flush();
  const stored =
    Number((await sql<{ n: string }>`select count(*) as n from clicks`.execute(services.db)).rows[0]!.n) -
    Number(warmClicks);
  result.redirect_rps = Math.round(redirectRun.rps);
  result.bare_rps = Math.round(bareRun.rps);
  result.redirect_ratio = Math.round((redirectRun.rps / bareRun.rps) * 1000) / 1000;
  // every 302 the server sent (autocannon stops counting at its deadline, with requests still in flight)
  result.clicks_answered = answered - answeredBefore;
  result.clicks_stored = stored;
  log(
    `redirect ${result.redirect_rps}/s vs bare ${result.bare_rps}/s (bare answered ${bareAnswered}); answered ${result.clicks_answered} (client saw ${redirectRun.s3xx}), stored ${stored}; buffer ${JSON.stringify(app.tracking.buffer.stats)}`,
  );

  // (b) postbacks with 20% duplicates, each a registration with a click id
  const clickIds = (
    await sql<{ id: string }>`select id from clicks order by id limit 5000`.execute(services.db)
  ).rows.map((r) => r.id);
  const clickIdsFile = path.join(os.tmpdir(), `consort-bench-clicks-${process.pid}.json`);
  fs.writeFileSync(clickIdsFile, JSON.stringify(clickIds));
  const pb = await runClient({
    url: `${appUrl}/api/v1/events`,
    duration: DURATION,
    connections: 20,
    kind: 'postbacks',
    key,
    clickIdsFile,
  });
  fs.rmSync(clickIdsFile, { force: true });
  const ev = (
    await sql<{
      events: string;
      versions: string;
    }>`select (select count(*) from events) as events, (select count(*) from event_versions) as versions`.execute(
      services.db,
    )
  ).rows[0]!;
  result.postback_rps = Math.round(pb.rps);
  // a double is a duplicate that wrote anything: an extra version, or more events than distinct ids sent
  result.postback_doubles =
    Number(ev.versions) - Number(ev.events) + Math.max(0, Number(ev.events) - pb.sent);
  log(
    `postbacks ${result.postback_rps}/s; ${pb.total} requests (${pb.non2xx} non-2xx), ${pb.sent} distinct ids, ${ev.events} events, ${ev.versions} versions`,
  );
  await app.close();
  await bare.close();

  // (c) CSV import of closed trades
  const file = path.join(os.tmpdir(), `consort-bench-trades-${process.pid}.csv`);
  const out = fs.createWriteStream(file);
  out.write(
    'trade_id,customer_id,symbol,instrument_class,account_type,side,lots,opened_at,closed_at,currency,spread_per_lot,commission\n',
  );
  const base = Date.UTC(2026, 9, 1);
  for (let i = 0; i < TRADES; i++) {
    const open = base + i * 1000;
    const line = `T${i},cust-${i % 20_000},EURUSD,fx,standard,${i % 2 ? 'buy' : 'sell'},${(1 + (i % 50)) / 10},${new Date(open).toISOString()},${new Date(open + 600_000).toISOString()},USD,${(i % 7) + 5}.50,${i % 3}.00\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const imp = await importActivityCsv(services, { brandCode: 'bench', kind: 'trades', file });
  fs.rmSync(file, { force: true });
  const trades = Number(
    (await sql<{ n: string }>`select count(*) as n from trades`.execute(services.db)).rows[0]!.n,
  );
  result.import_rows_per_s = Math.round(imp.read / imp.seconds);
  log(
    `import ${imp.read} rows in ${imp.seconds.toFixed(2)} s (${result.import_rows_per_s}/s): ${imp.inserted} inserted, ${imp.rejected} rejected; trades table ${trades}`,
  );
  if (trades !== TRADES) log(`WARNING: ${trades} trades stored, expected ${TRADES}`);
} finally {
  await closeServices(services);
  if (scratchName) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${scratchName} with (force)`);
    await admin.end();
  }
}
console.log(JSON.stringify(result));
