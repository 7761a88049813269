import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { closeServices, createServices } from '../platform/create-services.js';
import type { Services } from '../platform/services.js';

interface GlobalOpts {
  dataDir?: string;
}

/** Configuration for a command: environment, then the global `--data-dir` flag, then `extra`. */
export function configFrom(cmd: Command, extra: Record<string, unknown> = {}) {
  const g = cmd.optsWithGlobals() as GlobalOpts;
  return loadConfig({
    ...(g.dataDir ? { dataDir: path.resolve(g.dataDir) } : {}),
    logLevel: process.env.CONSORT_LOG_LEVEL ?? 'warn',
    ...extra,
  });
}

/** Opens services for a one-shot command, runs it, closes them (releasing the PGlite folder lock). */
export async function withServices<T>(cmd: Command, fn: (s: Services) => Promise<T>): Promise<T> {
  const s = await createServices(configFrom(cmd), { lockKind: 'cli' });
  try {
    const r = await fn(s);
    await s.auditChainer.flush();
    return r;
  } finally {
    await closeServices(s);
  }
}

/**
 * The shared parent command (e.g. `import`): several contexts add subcommands to `consort import …`,
 * so each asks for the parent here instead of creating its own.
 */
export function parentCommand(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((c) => c.name() === name);
  return existing ?? program.command(name).description(description);
}
