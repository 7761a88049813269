import fs from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parentCommand, withServices } from '../cli/cli-services.js';
import { importPartners, parseImportCsv } from './import-store.js';

/** `consort import partners <file.csv> [--dry-run]`. */
export function registerPartnerCommands(program: Command): void {
  parentCommand(program, 'import', 'Import data from files')
    .command('partners <file>')
    .description(
      'Import partners (segments, brand program and parent, manager, existing tracking codes) from a CSV export; ' +
        'columns: external_id,display_name,email,country,segments,status,tier,brand_code,manager_email,parent_external_id,link_codes,promo_codes ' +
        '(lists separated by ; ). All-or-nothing: any rejected row means nothing is written.',
    )
    .option('--dry-run', 'check every row and report rejects; write nothing')
    .action(async (file: string, o: { dryRun?: boolean }, cmd: Command) => {
      const text = fs.readFileSync(file, 'utf8');
      const rows = parseImportCsv(text);
      const bar = new SingleBar({
        format: 'import [{bar}] {value}/{total} rows',
        stream: process.stderr,
        noTTYOutput: false,
      });
      bar.start(rows.length, 0);
      const r = await withServices(cmd, (s) =>
        importPartners(s, { type: 'cli', id: 'consort import partners' }, rows, {
          dryRun: Boolean(o.dryRun),
          onProgress: (done) => bar.update(done),
        }),
      ).finally(() => bar.stop());
      for (const x of r.rejects) console.log(`line ${x.line} (${x.externalId || 'no id'}): ${x.reason}`);
      const verdict = r.written
        ? `imported ${r.accepted} partner(s)`
        : o.dryRun
          ? `dry run: ${r.accepted} row(s) would be imported, ${r.rejects.length} rejected`
          : `nothing imported: ${r.rejects.length} row(s) rejected (fix them and run again)`;
      console.log(`${r.rows} row(s) read; ${verdict}`);
      if (r.rejects.length > 0) process.exitCode = 1;
    });
}
