import { buildApp } from '../app.js';
import { auditChainJob, auditVerifyJob } from '../audit/jobs.js';
import { isEmpty, printLogins, seedDemo } from '../demo/seed-demo.js';
import type { Config } from '../platform/config.js';
import { closeServices, createServices } from '../platform/create-services.js';
import { startJobs } from '../platform/jobs/job-runner.js';
import { accrualsJob, closePeriodJob, holdReleaseJob } from '../ledger/jobs.js';
import { pgBossNotificationSender, setNotificationSender } from '../notifications/email-dispatch.js';
import { NOTIFICATION_JOBS } from '../notifications/jobs.js';
import { cohortRefreshJob } from '../reporting/jobs.js';
import {
  pgBossSender,
  postbackDeliverJob,
  postbackSweepJob,
  setPostbackSender,
} from '../intake/partner-postbacks.js';

/**
 * `consort start`: open the database (taking the PGlite folder lock), migrate, optionally seed the demo,
 * start the jobs and listen. SIGINT/SIGTERM close everything in order, so the data folder stays consistent.
 */
export async function startServer(config: Config, opts: { demo: boolean }): Promise<void> {
  const services = await createServices(config, { lockKind: 'server' });
  if (opts.demo && (await isEmpty(services))) {
    const logins = await seedDemo(services);
    printLogins(logins);
  }
  const app = await buildApp(config, { services });
  const jobs = config.jobs
    ? await startJobs(services, [
        auditVerifyJob,
        auditChainJob,
        postbackDeliverJob,
        postbackSweepJob,
        closePeriodJob,
        holdReleaseJob,
        accrualsJob,
        cohortRefreshJob,
        ...NOTIFICATION_JOBS,
      ])
    : undefined;
  if (jobs) setPostbackSender(pgBossSender(jobs.boss));
  if (jobs) setNotificationSender(pgBossNotificationSender(jobs.boss), services);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    services.logger.info({ signal }, 'shutting down');
    try {
      await app.close();
      setNotificationSender(undefined);
      await jobs?.stop();
      await closeServices(services);
      process.exit(0);
    } catch (err) {
      services.logger.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const where = services.database.engine === 'pglite' ? `PGlite at ${config.dataDir}` : 'PostgreSQL';
  console.log(
    `Consort is listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${where}); API docs at /docs`,
  );
}
