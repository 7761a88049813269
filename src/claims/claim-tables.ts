import type { ColumnType } from 'kysely';

/** Kysely's view of the claim and view-as tables (migration 20261125T1940-claims). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

export type ClaimState = 'open' | 'in_review' | 'accepted' | 'rejected';

export interface CommissionClaimTable {
  id: string;
  partner_id: string;
  brand_id: string;
  customer_ref: string;
  expected_amount: Int8;
  currency: string;
  reason: string;
  period: string | null;
  state: ClaimState;
  due_at: Timestamp;
  accepted_amount: ColumnType<
    string | null,
    string | number | bigint | null,
    string | number | bigint | null
  >;
  response: string | null;
  adjustment_line_id: string | null;
  filed_by: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ViewAsGrantTable {
  id: string;
  session_id: string;
  user_id: string;
  partner_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface ClaimTables {
  commission_claims: CommissionClaimTable;
  view_as_grants: ViewAsGrantTable;
}
