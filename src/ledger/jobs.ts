import type { JobDefinition } from '../platform/jobs/job-runner.js';
import { runAccruals } from './accrual-store.js';
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

/**
 * Daily: the provisional month-to-date accruals of every brand (or of `{brand}`), each replacing the
 * previous run of its period. A brand that cannot run (e.g. a stale FX rate) is reported; the others still run.
 */
export const accrualsJob: JobDefinition = {
  name: 'ledger.accruals',
  cron: '30 0 * * *',
  async handler(services, data) {
    const d = (data ?? {}) as { brand?: unknown };
    const codes =
      typeof d.brand === 'string'
        ? [d.brand]
        : (await services.db.selectFrom('brands').select('code').orderBy('code').execute()).map(
            (b) => b.code,
          );
    const ran: { brand: string; kind: string; lines: number }[] = [];
    const failed: { brand: string; error: string }[] = [];
    for (const brand of codes) {
      try {
        const r = await runAccruals(services, { brand, actor: { type: 'job', id: 'ledger.accruals' } });
        ran.push({ brand, kind: r.kind, lines: r.lines });
      } catch (e) {
        failed.push({ brand, error: e instanceof Error ? e.message : String(e) });
      }
    }
    if (failed.length > 0 && ran.length === 0)
      throw new Error(failed.map((f) => `${f.brand}: ${f.error}`).join('; '));
    return { ran, failed };
  },
};
