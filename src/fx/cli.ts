import fs from 'node:fs';
import type { Command } from 'commander';
import { writeAudited } from '../audit/write-audited.js';
import { parentCommand, withServices } from '../cli/cli-services.js';
import { AppError } from '../platform/http/errors.js';
import { calculateFxRows } from './calculate-fx-rows.js';
import { saveFxRates } from './fx-store.js';

/** `consort import fx <file.csv>`: the ECB reference-rate CSV as published, or date,from,to,rate[,source]. */
export function registerFxCommands(program: Command): void {
  parentCommand(program, 'import', 'Import data from files')
    .command('fx')
    .description(
      'Import exchange rates: the ECB reference-rate CSV as published, or date,from,to,rate[,source] (all or nothing)',
    )
    .argument('<file>', 'CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const text = fs.readFileSync(file, 'utf8');
      const parsed = calculateFxRows(text);
      if (parsed.kind === 'rejected') {
        const lines = parsed.rejects
          .slice(0, 50)
          .map((r) => `  line ${r.line}${r.column ? ` (${r.column})` : ''}: ${r.reason}`);
        const more = parsed.rejects.length > 50 ? `\n  … and ${parsed.rejects.length - 50} more` : '';
        throw new AppError(
          'VALIDATION_FAILED',
          `${parsed.rejects.length} row(s) rejected, nothing imported:\n${lines.join('\n')}${more}`,
        );
      }
      const r = await withServices(cmd, (s) =>
        writeAudited(s, (trx, now) =>
          saveFxRates(trx, { type: 'cli', id: 'consort import fx' }, parsed.rows, now),
        ),
      );
      console.log(
        `${parsed.format === 'ecb' ? 'ECB reference rates' : 'rates'}: ${r.rows} rates ${r.firstDate ?? ''}..${r.lastDate ?? ''} — ${r.inserted} new, ${r.updated} corrected, ${r.unchanged} unchanged, ${parsed.skipped} N/A cells skipped`,
      );
    });
}
