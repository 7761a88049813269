import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { writeAudited } from '../audit/write-audited.js';
import { parentCommand, withServices } from '../cli/cli-services.js';
import { parseTotalsCsv, saveTotals } from './reconciliation-store.js';

/** `consort import totals <file.csv>`: the operator's own totals (brand,period,metric,currency,reported). */
export function registerReconciliationCommands(program: Command): void {
  parentCommand(program, 'import', 'Import data from files')
    .command('totals')
    .description(
      "Import the operator's reported totals for reconciliation: brand,period,metric,currency,reported (all or nothing)",
    )
    .argument('<file>', 'CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const rows = parseTotalsCsv(fs.readFileSync(file, 'utf8'));
      const r = await withServices(cmd, (s) =>
        writeAudited(s, (trx, now) =>
          saveTotals(trx, { type: 'cli', id: 'consort import totals' }, rows, path.basename(file), now),
        ),
      );
      console.log(`reported totals: ${r.rows} rows imported`);
    });
}
