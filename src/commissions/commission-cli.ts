import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { SimulationFormat } from './format-simulation.js';
import { simulateFromText } from './simulate-cli.js';

/** `consort simulate --deal <deal.json> --activity <file.csv|json> [--hierarchy …] [--format …]`: no database. */
export function registerCommissionCommands(program: Command): void {
  program
    .command('simulate')
    .description('Run a deal over sample activity and print the commission lines with their explanations')
    .requiredOption('--deal <file>', 'deal terms (JSON)')
    .requiredOption('--activity <file>', 'activity rows (.csv or .json)')
    .option('--hierarchy <file>', 'JSON { "edges": [...], "deals": [...] } for sub-partner overrides')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json', 'csv']).default('table'))
    .action((o: { deal: string; activity: string; hierarchy?: string; format: SimulationFormat }) => {
      const r = simulateFromText({
        dealText: fs.readFileSync(o.deal, 'utf8'),
        activityText: fs.readFileSync(o.activity, 'utf8'),
        activityFormat: path.extname(o.activity).toLowerCase() === '.json' ? 'json' : 'csv',
        ...(o.hierarchy ? { hierarchyText: fs.readFileSync(o.hierarchy, 'utf8') } : {}),
        format: o.format,
      });
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
