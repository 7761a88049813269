import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendBatchAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import type { Segment } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import { PARTNER_STATUSES } from './decide-status-transition.js';
import { type AcceptedRow, decideImportRows, type ImportRow, type Reject } from './decide-import-rows.js';
import { SEGMENTS } from './partner-store.js';

export const IMPORT_COLUMNS = [
  'external_id',
  'display_name',
  'email',
  'country',
  'segments',
  'status',
  'tier',
  'brand_code',
  'manager_email',
  'parent_external_id',
  'link_codes',
  'promo_codes',
] as const;

/** Parses the CSV (header row required; the columns above, in any order; unknown columns are an error). */
export function parseImportCsv(text: string): ImportRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  const header = records[0] ? Object.keys(records[0]) : [];
  const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
  const missing = ['external_id', 'display_name', 'segments', 'brand_code'].filter(
    (h) => records[0] && !header.includes(h),
  );
  if (unknown.length || missing.length)
    throw new AppError(
      'VALIDATION_FAILED',
      `The CSV header is wrong:${unknown.length ? ` unknown column(s) ${unknown.join(', ')};` : ''}${missing.length ? ` missing ${missing.join(', ')};` : ''} expected ${IMPORT_COLUMNS.join(',')}`,
    );
  return records.map((r, i) => ({
    line: i + 2,
    externalId: r.external_id ?? '',
    displayName: r.display_name ?? '',
    email: r.email ?? '',
    country: r.country ?? '',
    segments: r.segments ?? '',
    status: r.status ?? '',
    tier: r.tier ?? '',
    brandCode: r.brand_code ?? '',
    managerEmail: r.manager_email ?? '',
    parentExternalId: r.parent_external_id ?? '',
    linkCodes: r.link_codes ?? '',
    promoCodes: r.promo_codes ?? '',
  }));
}

export interface ImportResult {
  rows: number;
  accepted: number;
  rejects: Reject[];
  written: boolean;
}

/**
 * Imports partners from another platform's export: partners, segments, brand program and parent, manager
 * and existing tracking codes. A dry run only reports; a real run writes everything in one transaction,
 * and nothing at all when any row is rejected. `onProgress(done, total)` reports as rows are checked/written.
 */
export async function importPartners(
  s: Services,
  actor: Actor,
  rows: ImportRow[],
  opts: { dryRun: boolean; onProgress?: (done: number, total: number) => void },
): Promise<ImportResult> {
  const [brands, managers, emails, codes] = await Promise.all([
    s.db.selectFrom('brands').select(['id', 'code']).execute(),
    s.db.selectFrom('users').select(['id', 'email']).where('role', '=', 'partner_manager').execute(),
    sql<{ e: string }>`select lower(email) as e from partners where email is not null
      union select lower(email) from users`.execute(s.db),
    sql<{
      c: string;
    }>`select lower(code) as c from tracking_links union select lower(code) from promo_codes`.execute(s.db),
  ]);
  const decided = decideImportRows(rows, {
    segments: SEGMENTS,
    statuses: PARTNER_STATUSES,
    brandCodes: new Set(brands.map((b) => b.code)),
    managerEmails: new Set(managers.map((m) => m.email.toLowerCase())),
    takenEmails: new Set(emails.rows.map((r) => r.e)),
    takenCodes: new Set(codes.rows.map((r) => r.c)),
  });
  opts.onProgress?.(Math.floor(rows.length / 2), rows.length);
  const result = {
    rows: rows.length,
    accepted: decided.accepted.length,
    rejects: decided.rejects,
    written: false,
  };
  if (opts.dryRun || decided.rejects.length > 0) {
    opts.onProgress?.(rows.length, rows.length);
    return result;
  }
  const brandId = new Map(brands.map((b) => [b.code, b.id]));
  const managerId = new Map(managers.map((m) => [m.email.toLowerCase(), m.id]));
  const ids = new Map(decided.accepted.map((a) => [a.externalId, uuidv7()]));
  await writeAudited(s, async (trx, now) => {
    const chunks = <T>(xs: T[], n: number) =>
      Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
    let done = 0;
    for (const part of chunks<AcceptedRow>(decided.accepted, 500)) {
      await trx
        .insertInto('partners')
        .values(
          part.map((a) => ({
            id: ids.get(a.externalId)!,
            display_name: a.displayName,
            email: a.email,
            country: a.country,
            status: a.status,
            segments: a.segments,
            tier: a.tier,
            tags: [`import:${a.externalId}`.slice(0, 40)],
            manager_user_id: a.managerEmail ? managerId.get(a.managerEmail)! : null,
            status_changed_at: now,
            ...(a.status === 'active' ? { activated_at: now } : {}),
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await trx
        .insertInto('partner_status_history')
        .values(
          part.map((a) => ({
            id: uuidv7(),
            partner_id: ids.get(a.externalId)!,
            from_status: null,
            to_status: a.status,
            reason: `imported (line ${a.line}, external id ${a.externalId})`,
            actor_type: actor.type,
            actor_id: actor.id,
            occurred_at: now,
          })),
        )
        .execute();
      await trx
        .insertInto('partner_events')
        .values(
          part.map((a) => ({
            id: uuidv7(),
            partner_id: ids.get(a.externalId)!,
            occurred_at: now,
            kind: 'status',
            summary: `imported as ${a.status} (external id ${a.externalId})`,
            detail: JSON.stringify({ line: a.line, externalId: a.externalId }),
            actor_type: actor.type,
            actor_id: actor.id,
          })),
        )
        .execute();
      done += part.length;
      opts.onProgress?.(Math.floor(rows.length / 2 + done / 4), rows.length);
    }
    for (const part of chunks<AcceptedRow>(decided.accepted, 500)) {
      await trx
        .insertInto('partner_brands')
        .values(
          part.map((a) => ({
            partner_id: ids.get(a.externalId)!,
            brand_id: brandId.get(a.brandCode)!,
            parent_partner_id: a.parentExternalId ? ids.get(a.parentExternalId)! : null,
            joined_at: now,
          })),
        )
        .execute();
    }
    const links = decided.accepted.flatMap((a) =>
      a.linkCodes.map((code) => ({
        id: uuidv7(),
        code,
        partner_id: ids.get(a.externalId)!,
        segment: a.segments[0] as Segment,
        brand_id: brandId.get(a.brandCode)!,
        kind: 'custom' as const,
        name: 'imported',
        sub_ids: '{}',
        status: 'active' as const,
        created_at: now,
        updated_at: now,
      })),
    );
    for (const part of chunks(links, 500)) await trx.insertInto('tracking_links').values(part).execute();
    const promos = decided.accepted.flatMap((a) =>
      a.promoCodes.map((code) => ({
        id: uuidv7(),
        code,
        partner_id: ids.get(a.externalId)!,
        segment: a.segments[0] as Segment,
        brand_id: brandId.get(a.brandCode)!,
        status: 'active' as const,
        created_at: now,
        updated_at: now,
      })),
    );
    for (const part of chunks(promos, 500)) await trx.insertInto('promo_codes').values(part).execute();
    const all = [...ids.values()].sort();
    await appendBatchAudit(
      trx,
      actor,
      {
        action: 'partner.imported',
        entityType: 'partner',
        count: all.length,
        firstId: all[0] ?? '',
        lastId: all[all.length - 1] ?? '',
        content: JSON.stringify(
          decided.accepted.map((a) => [ids.get(a.externalId), a.externalId, a.status, a.segments]),
        ),
      },
      now,
    );
  });
  opts.onProgress?.(rows.length, rows.length);
  return { ...result, written: true };
}
