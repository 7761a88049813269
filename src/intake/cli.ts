import fs from 'node:fs';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { v7 as uuidv7 } from 'uuid';
import { appendBatchAudit } from '../audit/audit-store.js';
import { parentCommand, withServices } from '../cli/cli-services.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import {
  ACTIVITY_COLUMNS,
  ACTIVITY_KINDS,
  type ActivityKind,
  validateActivityRecord,
} from './activity-kinds.js';
import { ActivityLoader, type MergeCounts } from './activity-store.js';
import { readCsvBatches } from './read-csv-records.js';

export interface ImportResult extends MergeCounts {
  read: number;
  rejected: number;
  seconds: number;
}

/**
 * Imports a CSV file of activity: header row with the documented columns (any order, extra columns
 * refused), every row validated; rejected rows are reported (`onReject`) and skipped unless `strict`.
 * Idempotent on the external ids.
 */
export async function importActivityCsv(
  s: Services,
  input: {
    brandCode: string;
    kind: ActivityKind;
    file: string;
    strict?: boolean;
    onReject?: (line: number, problems: string) => void;
    onProgress?: (bytes: number) => void;
  },
): Promise<ImportResult> {
  const started = Date.now();
  const brand = await s.db
    .selectFrom('brands')
    .select(['id'])
    .where('code', '=', input.brandCode)
    .executeTakeFirst();
  if (!brand) throw new AppError('VALIDATION_FAILED', `unknown brand code ${input.brandCode}`);
  const cols = ACTIVITY_COLUMNS[input.kind];
  const loader = new ActivityLoader(s, brand.id, input.kind);
  let header: string[] | undefined;
  let index: number[] = [];
  let read = 0;
  let rejected = 0;
  try {
    // records arrive in batches (one per chunk read): the loop below stays synchronous unless the loader
    // has to wait (a full COPY buffer or a chunk boundary)
    for await (const batch of readCsvBatches(input.file, input.onProgress))
      for (const [lineNo, record] of batch) {
        if (!header) {
          header = record.map((h) => h.trim().toLowerCase());
          const unknown = header.filter((h) => !cols.some((c) => c.name === h));
          const missing = cols.filter((c) => c.required && !header!.includes(c.name)).map((c) => c.name);
          if (unknown.length || missing.length)
            throw new AppError(
              'VALIDATION_FAILED',
              `header: ${unknown.length ? `unknown column(s) ${unknown.join(', ')}` : ''}${unknown.length && missing.length ? '; ' : ''}${missing.length ? `missing ${missing.join(', ')}` : ''}`,
            );
          index = cols.map((c) => header!.indexOf(c.name));
          continue;
        }
        read++;
        const r = validateActivityRecord(input.kind, record, index, '');
        if (!r.ok) {
          rejected++;
          input.onReject?.(lineNo, r.errors.map((e) => `${e.path.slice(1)} ${e.message}`).join('; '));
          continue;
        }
        if (rejected > 0 && input.strict) continue;
        const wait = loader.add(r.values);
        if (wait) await wait;
      }
    if (rejected > 0 && input.strict)
      throw new AppError('VALIDATION_FAILED', `${rejected} row(s) rejected; nothing imported (--strict)`);
    const counts = await loader.finish();
    const now = s.clock();
    await s.db.transaction().execute(async (trx) => {
      const id = uuidv7();
      await trx
        .insertInto('activity_imports')
        .values({
          id,
          brand_id: brand.id,
          kind: input.kind,
          source: input.file.slice(-200),
          rows_read: read,
          rows_inserted: counts.inserted,
          rows_updated: counts.updated,
          rows_unchanged: counts.unchanged,
          rows_rejected: rejected,
          started_at: new Date(started),
          finished_at: now,
        })
        .execute();
      await appendBatchAudit(
        trx,
        { type: 'cli', id: 'consort import activity' },
        {
          action: `activity.${input.kind}.imported`,
          entityType: 'activity_import',
          count: read - rejected,
          firstId: id,
          lastId: id,
          content: JSON.stringify({ file: input.file, read, rejected, ...counts }),
        },
        now,
      );
    });
    s.auditChainer.kick();
    return { ...counts, read, rejected, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    await loader.finish().catch(() => undefined);
    throw err;
  }
}

/** `consort import activity --kind K --brand CODE FILE.csv` */
export function registerIntakeCommands(program: Command): void {
  const imp = parentCommand(program, 'import', 'Import data from files');
  imp
    .command('activity')
    .description(
      'Import activity rows (CSV with a header row; columns in docs/integration.md); idempotent on external ids',
    )
    .addOption(
      new Option('--kind <kind>', 'what the file holds').choices([...ACTIVITY_KINDS]).makeOptionMandatory(),
    )
    .requiredOption('--brand <code>', 'brand code')
    .option('--strict', 'import nothing when any row is rejected')
    .option('--no-progress', 'no progress bar')
    .argument('<file>', 'CSV file')
    .action(
      async (
        file: string,
        o: { kind: ActivityKind; brand: string; strict?: boolean; progress: boolean },
        cmd: Command,
      ) => {
        if (!fs.existsSync(file)) throw new InvalidArgumentError(`no such file: ${file}`);
        const size = fs.statSync(file).size;
        const bar =
          o.progress && process.stderr.isTTY
            ? new cliProgress.SingleBar(
                {
                  format: 'importing [{bar}] {percentage}% | {value}/{total} bytes | {eta}s',
                  stream: process.stderr,
                },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        bar?.start(size, 0);
        const r = await withServices(cmd, (s) =>
          importActivityCsv(s, {
            brandCode: o.brand,
            kind: o.kind,
            file,
            strict: o.strict ?? false,
            onReject: (line, problems) => {
              bar?.stop();
              console.error(`line ${line}: ${problems}`);
            },
            onProgress: (b) => bar?.update(b),
          }),
        ).finally(() => bar?.stop());
        console.log(
          `${r.read} rows read: ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected} rejected (${Math.round(r.read / Math.max(r.seconds, 0.001))} rows/s)`,
        );
        if (r.rejected > 0) process.exitCode = 1;
      },
    );
}
