import type { JobDefinition } from '../platform/jobs/job-runner.js';
import { closePeriod } from './close-period.js';
import { releaseHolds } from './ledger-store.js';

/** `ledger.close` {brand, period}: the same use case as `consort close`; idempotent (a re-run changes nothing). */
export const closePeriodJob: JobDefinition = {
  name: 'ledger.close',
  async handler(services, data) {
    const d = data as { brand?: unknown; period?: unknown };
    if (typeof d.brand !== 'string' || typeof d.period !== 'string')
      throw new Error('ledger.close needs { brand, period }');
    const r = await closePeriod(services, {
      brand: d.brand,
      period: d.period,
      actor: { type: 'job', id: 'ledger.close' },
    });
    return { kind: r.kind, lines: r.lines, entries: r.entries };
  },
};

/** Daily: approved lines whose hold period ended become payable. */
export const holdReleaseJob: JobDefinition = {
  name: 'ledger.hold-release',
  cron: '15 0 * * *',
  async handler(services) {
    const now = services.clock();
    const r = await services.db
      .transaction()
      .execute((trx) =>
        releaseHolds(trx, { type: 'job', id: 'ledger.hold-release' }, now.toISOString().slice(0, 10), now),
      );
    services.auditChainer.kick();
    return { released: r.changed.length, refused: r.refused.length };
  },
};
