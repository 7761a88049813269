import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { withServices } from '../cli/cli-services.js';
import { closePeriod } from './close-period.js';

/** `consort close --brand <code> --period YYYY-MM`, with a progress bar on a terminal. */
export function registerLedgerCommands(program: Command): void {
  program
    .command('close')
    .description(
      'Close a brand period: commission lines, ledger entries and carried state in one transaction (re-running books only late-data adjustments)',
    )
    .requiredOption('--brand <code>', 'brand code')
    .requiredOption('--period <YYYY-MM>', 'calendar month')
    .option('--no-progress', 'no progress bar')
    .action(async (o: { brand: string; period: string; progress: boolean }, cmd: Command) => {
      const bar =
        o.progress && process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: ' {phase} [{bar}] {value}/{total}', stream: process.stderr },
              cliProgress.Presets.shades_classic,
            )
          : null;
      let phase = '';
      const stall = process.env.CONSORT_FAULT_CLOSE_STALL_AFTER_BATCHES;
      const r = await withServices(cmd, (s) =>
        closePeriod(s, {
          brand: o.brand,
          period: o.period,
          actor: { type: 'cli', id: 'consort close' },
          ...(stall
            ? {
                writeBatch: 1,
                fault: {
                  afterBatches: Number(stall),
                  mode: 'stall' as const,
                  onStall: () => process.stderr.write('close: stalled (fault injection)\n'),
                },
              }
            : {}),
          onProgress: (p) => {
            if (!bar) return;
            if (p.phase !== phase) {
              if (phase) bar.stop();
              phase = p.phase;
              bar.start(Math.max(p.total, p.done), p.done, {
                phase: p.phase === 'read' ? 'activity' : 'lines   ',
              });
            } else bar.update(p.done);
          },
        }),
      );
      bar?.stop();
      const totals = r.totals.map((t) => `${t.amount} ${t.currency}`).join(', ') || 'nothing';
      if (r.kind === 'unchanged')
        console.log(`${r.brand} ${r.period} is closed and unchanged: nothing booked`);
      else if (r.kind === 'closed')
        console.log(
          `closed ${r.brand} ${r.period}: ${r.rows} activity rows, ${r.lines} lines, ${r.entries} entries (minor units: ${totals})`,
        );
      else
        console.log(
          `${r.brand} ${r.period} changed after close: ${r.lines} adjustment lines booked in ${r.bookedPeriod} (minor units: ${totals})`,
        );
      for (const i of r.issues) console.error(`note: ${JSON.stringify(i)}`);
    });
}
