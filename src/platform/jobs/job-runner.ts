import PgBoss from 'pg-boss';
import type { Services } from '../services.js';

/** A background job: a queue name, an optional cron schedule (UTC) and a thin handler. */
export interface JobDefinition {
  name: string;
  /** Cron expression, UTC. */
  cron?: string;
  handler: (services: Services, data: unknown) => Promise<unknown>;
}

export interface JobRunner {
  boss: PgBoss;
  /** Enqueue a job now (also how tests and the CLI trigger scheduled jobs). */
  send(name: string, data?: object): Promise<string | null>;
  stop(): Promise<void>;
}

/**
 * Starts pg-boss over the application's own database handle, on PostgreSQL and on PGlite alike (through
 * the `executeSql` adapter, which serialises with the application's queries on PGlite), registers the
 * jobs' workers and their schedules.
 */
export async function startJobs(
  services: Services,
  jobs: JobDefinition[],
  opts: { schedule?: boolean } = {},
): Promise<JobRunner> {
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => services.database.executeSql(text, values) },
    schema: 'pgboss',
    schedule: opts.schedule ?? true,
    supervise: true,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => services.logger.error({ err }, 'job queue error'));
  await boss.start();
  for (const job of jobs) {
    await boss.createQueue(job.name);
    await boss.work(job.name, { pollingIntervalSeconds: 2 }, async (batch) => {
      for (const j of batch) {
        const log = services.logger.child({ job: job.name, jobId: j.id });
        try {
          const result = await job.handler(services, j.data);
          log.info({ result }, 'job done');
        } catch (err) {
          log.error({ err }, 'job failed');
          throw err;
        }
      }
    });
    if (job.cron && (opts.schedule ?? true)) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
  }
  return {
    boss,
    send: (name, data) => boss.send(name, data ?? {}),
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
