import type { ColumnType, Generated } from 'kysely';
import type { Segment } from '../platform/db/schema.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A deliverable a deal pays a flat fee for (migration 20261125T1960). */
export interface DeliverableTable {
  id: string;
  partner_id: string;
  brand_id: string;
  segment: Segment;
  /** Matches a deal's `deliverableTypes` (`youtube_video`, `tiktok_post`, …). */
  deliverable_type: string;
  /** The submitter's reference; unique per partner, brand and type (idempotency). */
  external_ref: string;
  title: string;
  url: string | null;
  /** 'YYYY-MM-DD' in the brand's calendar: the period whose close pays it. */
  delivered_on: ColumnType<string, string, string>;
  status: Generated<'submitted' | 'approved' | 'rejected'>;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: Timestamp;
}

export interface DeliverableTables {
  deliverables: DeliverableTable;
}
