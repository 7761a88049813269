import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Database } from './db/schema.js';
import type { Logger } from './logging.js';
import type { Mailer } from './mail.js';

/** Links committed audit records onto the hash chain (see audit/audit-chain.ts). */
export interface ChainKicker {
  kick(): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What the use cases, routes, jobs and CLI share: created once per process by `createServices`. */
export interface Services {
  config: Config;
  database: DatabaseHandle;
  db: Kysely<Database>;
  logger: Logger;
  mailer: Mailer;
  /** The only clock: business rules receive `now` from here, tests replace it. */
  clock: () => Date;
  auditChainer: ChainKicker;
}
