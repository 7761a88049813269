import fs from 'node:fs';
import { type Command, Option } from 'commander';
import { writeAudited } from '../audit/write-audited.js';
import { withServices } from '../cli/cli-services.js';
import { exportPayoutBatch } from './payout-store.js';

/** `consort payouts export --batch <id> --format csv|pain001 [--out file]`. */
export function registerPayoutCommands(program: Command): void {
  program
    .command('payouts')
    .description('Payout batches')
    .command('export')
    .description('Export an approved payout batch as CSV or SEPA pain.001.001.03 XML')
    .requiredOption('--batch <id>', 'payout batch id')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'pain001']).default('csv'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (o: { batch: string; format: 'csv' | 'pain001'; out?: string }, cmd: Command) => {
      const r = await withServices(cmd, (s) =>
        writeAudited(s, (trx, now) =>
          exportPayoutBatch(
            trx,
            { type: 'cli', id: 'consort payouts export' },
            { batchId: o.batch, format: o.format },
            now,
          ),
        ),
      );
      if (o.out) {
        fs.writeFileSync(o.out, r.content);
        console.error(`${r.count} payments written to ${o.out}`);
      } else process.stdout.write(r.content);
    });
}
