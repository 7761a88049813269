#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeAudited } from '../audit/write-audited.js';
import { verifyAndRecord } from '../audit/verify-audit-chain.js';
import { createApiKey } from '../auth/api-key-store.js';
import { ALL_SCOPES, type Scope } from '../auth/identity.js';
import { createUser } from '../auth/user-store.js';
import { LOGIN_ROLES, type LoginRole } from '../platform/config.js';
import { DataDirLockedError } from '../platform/db/data-dir-lock.js';
import { AppError } from '../platform/http/errors.js';
import { configFrom, withServices } from './cli-services.js';
import { startServer } from './start.js';
import { registerIntakeCommands } from '../intake/cli.js';
import { registerFxCommands } from '../fx/cli.js';
import { registerCommissionCommands } from '../commissions/commission-cli.js';
import { registerLedgerCommands } from '../ledger/cli.js';
import { registerPayoutCommands } from '../payouts/cli.js';
import { registerReconciliationCommands } from '../reconciliation/cli.js';
import { isEmpty, printLogins, seedDemo } from '../demo/seed-demo.js';
import { registerPartnerCommands } from '../partners/cli.js';

/** Exit code for a failed check (as opposed to a usage or runtime error, which is 2 or 1). */
const EXIT_CHECK_FAILED = 1;

const program = new Command();
program
  .name('consort')
  .description('Consort: one partner-program platform for every partner segment.')
  .option(
    '--data-dir <dir>',
    'PGlite data folder (default ./.consort, or CONSORT_DATA_DIR); ignored when DATABASE_URL is set',
  )
  .showHelpAfterError();

function intArg(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new InvalidArgumentError(`${name} must be an integer 0-65535`);
    return n;
  };
}

program
  .command('start')
  .description('Start the HTTP server (API, docs at /docs) and the background jobs')
  .addOption(
    new Option('--port <port>', 'port to listen on').env('PORT').argParser(intArg('--port')).default(3000),
  )
  .addOption(new Option('--host <host>', 'interface to bind').env('HOST').default('127.0.0.1'))
  .option('--demo', 'seed a demo operator into an empty database and print its logins')
  .action(async (opts: { port: number; host: string; demo?: boolean }, cmd: Command) => {
    const config = configFrom(cmd, {
      port: opts.port,
      host: opts.host,
      jobs: true,
      logLevel: process.env.CONSORT_LOG_LEVEL ?? 'info',
    });
    if (!process.env.CONSORT_PUBLIC_URL) config.publicUrl = `http://localhost:${opts.port}`;
    await startServer(config, { demo: Boolean(opts.demo) });
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async (_o, cmd: Command) => {
    await withServices(cmd, async () => undefined);
    console.log('migrations are up to date');
  });

const user = program.command('user').description('Manage logins');
user
  .command('create')
  .description('Create a login')
  .requiredOption('--email <email>', 'e-mail address (the login name)')
  .requiredOption('--password <password>', 'initial password (at least 10 characters)')
  .addOption(new Option('--role <role>', 'login role').choices(LOGIN_ROLES as string[]).makeOptionMandatory())
  .option('--partner <partnerId>', 'partner id (role partner only)')
  .option('--name <displayName>', 'display name')
  .action(
    async (
      o: { email: string; password: string; role: LoginRole; partner?: string; name?: string },
      cmd: Command,
    ) => {
      const u = await withServices(cmd, (s) =>
        writeAudited(s, (trx, now) =>
          createUser(
            trx,
            { type: 'cli', id: 'consort user create' },
            { email: o.email, password: o.password, role: o.role, partnerId: o.partner, displayName: o.name },
            now,
          ),
        ),
      );
      console.log(`created ${u.role} ${u.email} (${u.id})`);
    },
  );

const apikey = program.command('apikey').description('Manage API keys');
apikey
  .command('create')
  .description('Create an API key and print it once')
  .requiredOption('--scopes <scopes>', `comma-separated: ${ALL_SCOPES.join(', ')}`)
  .option('--name <name>', 'what the key is for', 'cli key')
  .option('--brand <code...>', 'restrict an operator key to these brand codes')
  .option('--partner <partnerId>', 'make a partner key owned by this partner')
  .option('--expires <iso-date>', 'expiry date-time')
  .action(
    async (
      o: { scopes: string; name: string; brand?: string[]; partner?: string; expires?: string },
      cmd: Command,
    ) => {
      const scopes = o.scopes
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean) as Scope[];
      const expiresAt = o.expires ? new Date(o.expires) : null;
      if (expiresAt && Number.isNaN(expiresAt.getTime()))
        throw new InvalidArgumentError('--expires is not a date');
      const created = await withServices(cmd, async (s) => {
        let brandIds: string[] = [];
        if (o.brand?.length) {
          const rows = await s.db
            .selectFrom('brands')
            .select(['id', 'code'])
            .where('code', 'in', o.brand)
            .execute();
          const missing = o.brand.filter((c) => !rows.some((r) => r.code === c));
          if (missing.length)
            throw new AppError('VALIDATION_FAILED', `unknown brand code(s): ${missing.join(', ')}`);
          brandIds = rows.map((r) => r.id);
        }
        return writeAudited(s, (trx, now) =>
          createApiKey(
            trx,
            { type: 'cli', id: 'consort apikey create' },
            {
              name: o.name,
              kind: o.partner ? 'partner' : 'operator',
              scopes,
              brandIds,
              partnerId: o.partner ?? null,
              expiresAt,
              createdBy: null,
            },
            now,
          ),
        );
      });
      console.log(created.key);
      console.error(
        `(shown once) ${created.record.kind} key ${created.record.id}, scopes ${created.record.scopes.join(',')}`,
      );
    },
  );

const audit = program.command('audit').description('The audit trail');
audit
  .command('verify')
  .description('Verify the hash chain; exits 1 naming the first broken record')
  .action(async (_o, cmd: Command) => {
    const r = await withServices(cmd, (s) =>
      verifyAndRecord(s.db, { type: 'cli', id: 'consort audit verify' }, 'cli', s.clock()),
    );
    if (r.ok) {
      console.log(r.message);
    } else {
      console.error(r.message);
      process.exitCode = EXIT_CHECK_FAILED;
    }
  });

const seed = program.command('seed').description('Demo data');
seed
  .command('demo')
  .description('Seed the demo operator into an empty database')
  .action(async (_o, cmd: Command) => {
    await withServices(cmd, async (s) => {
      if (!(await isEmpty(s)))
        throw new AppError(
          'CONFLICT',
          'the database already has data: demo data goes into an empty database only',
        );
      const logins = await seedDemo(s);
      printLogins(logins);
    });
  });

// Each context registers its own commands here (one import, one line): src/<context>/cli.ts exports
// `register…Commands(program)`, using withServices/configFrom from ./cli-services.js.
registerPartnerCommands(program);
registerIntakeCommands(program);

registerFxCommands(program);
registerCommissionCommands(program);
registerLedgerCommands(program);
registerPayoutCommands(program);
registerReconciliationCommands(program);

function explain(err: unknown): string {
  if (err instanceof DataDirLockedError) return err.message;
  if (err instanceof AppError) {
    const fields = err.details?.fields?.map((f) => `  ${f.path}: ${f.message}`).join('\n');
    return fields ? `${err.message}\n${fields}` : err.message;
  }
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return `cannot reach the database (${err.message}); check DATABASE_URL`;
    return err.message;
  }
  return String(err);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`consort: ${explain(err)}`);
  if (process.env.CONSORT_DEBUG) console.error(err);
  process.exit(err instanceof InvalidArgumentError ? 2 : 1);
});
