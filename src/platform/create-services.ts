import { AuditChainer } from '../audit/audit-chain.js';
import type { Config } from './config.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from './db/database.js';
import { createLogger, type Logger } from './logging.js';
import { createMailer, type Mailer } from './mail.js';
import type { Services } from './services.js';

export interface ServiceOverrides {
  database?: DatabaseHandle;
  logger?: Logger;
  mailer?: Mailer;
  clock?: () => Date;
  /** Who takes the PGlite folder lock. */
  lockKind?: 'server' | 'cli';
}

/** Opens the database (PGlite or PostgreSQL), migrates it, and wires the shared services. */
export async function createServices(config: Config, o: ServiceOverrides = {}): Promise<Services> {
  const logger = o.logger ?? createLogger(config.logLevel);
  const database =
    o.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      lock: { kind: o.lockKind ?? 'cli', url: o.lockKind === 'server' ? config.publicUrl : undefined },
    }));
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  const auditChainer = new AuditChainer(database.db, (err) => logger.error({ err }, 'audit chaining failed'));
  return {
    config,
    database,
    db: database.db,
    logger,
    mailer: o.mailer ?? createMailer(config.smtp, logger),
    clock: o.clock ?? (() => new Date()),
    auditChainer,
  };
}

/** Closes in dependency order: no new chain work, then mail, then the database (and its folder lock). */
export async function closeServices(s: Services): Promise<void> {
  await s.auditChainer.close();
  s.mailer.close();
  await s.database.close();
}
