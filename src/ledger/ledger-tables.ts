import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the ledger, payout, statement and reconciliation tables (migration 20261125T1750). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

export type LineState =
  | 'pending'
  | 'approved'
  | 'payable'
  | 'paid'
  | 'rejected'
  | 'reversed'
  /** netted into a negative balance that was written off per the deal (migration 20261125T1900) */
  | 'written_off';
export type LedgerAccount =
  | 'commission_expense'
  | 'partner_pending'
  | 'partner_payable'
  | 'partner_in_payout'
  | 'cash';

export interface LedgerSettingsTable {
  brand_id: string;
  fx_max_age_days: Generated<number>;
  min_payout: ColumnType<string, string | number | bigint | undefined, string | number | bigint>;
  schedule: Generated<'monthly' | 'net'>;
  net_days: Generated<number>;
  tax_form_required: Generated<boolean>;
  approval_steps: Generated<string[]>;
  cooling_off_hours: Generated<number>;
  self_billing: Generated<boolean>;
  vat_treatment: string | null;
  invoice_prefix: Generated<string>;
  reconciliation_tolerance: ColumnType<
    string,
    string | number | bigint | undefined,
    string | number | bigint
  >;
  debtor_name: string | null;
  debtor_iban: string | null;
  debtor_bic: string | null;
  updated_at: Generated<Date>;
}

export interface LedgerPeriodTable {
  id: string;
  brand_id: string;
  period: string;
  starts_on: string;
  ends_on: string;
  timezone: string;
  state: 'open' | 'closed' | 'final';
  closed_at: Date | null;
  finalized_at: Date | null;
  finalized_by: string | null;
  created_at: Timestamp;
}

export interface CloseRunTable {
  id: string;
  brand_id: string;
  period_id: string;
  kind: 'close' | 'adjustment' | 'write_off';
  booked_period_id: string;
  rows_read: Int8;
  lines: number;
  entries: number;
  issues: Json;
  fx_used: Json;
  overlap_count: number;
  actor: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface CarriedStateTable {
  brand_id: string;
  period: string;
  state: Json;
  sha256: string;
  close_run_id: string;
}

export interface CommissionLineTable {
  id: string;
  line_key: string;
  brand_id: string;
  period_id: string;
  source_period: string;
  partner_id: string;
  segment: string;
  payee: 'partner' | 'customer';
  customer_id: string | null;
  kind: string;
  amount: Int8;
  currency: string;
  hold_until: string | null;
  deal_id: string;
  deal_version: number;
  component_id: string;
  derived_from: string | null;
  explanation: Json;
  corrects_line_id: string | null;
  close_run_id: string;
  state: LineState;
  state_reason: string | null;
  state_changed_at: Timestamp;
  state_changed_by: string | null;
  payout_line_id: string | null;
  /** The write-off line that netted this line away (migration 20261125T1900). */
  written_off_by: Generated<string | null>;
  created_at: Timestamp;
}

export interface LedgerEntryTable {
  id: Generated<string>;
  txn_id: string;
  entry_key: string;
  brand_id: string | null;
  partner_id: string | null;
  account: LedgerAccount;
  currency: string;
  amount: Int8;
  line_id: string | null;
  payout_line_id: string | null;
  cause: string;
  booked_on: string;
  created_at: Timestamp;
}

export interface PaymentMethodTable {
  id: string;
  partner_id: string;
  kind: 'bank' | 'crypto' | 'ewallet';
  currency: string;
  details: Json<Record<string, string>>;
  is_change: boolean;
  usable_from: Timestamp;
  notified_at: Date | null;
  created_by: string | null;
  created_at: Timestamp;
  superseded_at: Date | null;
}

export interface PayoutBatchTable {
  id: string;
  brand_id: string;
  pay_date: string;
  status: 'approving' | 'approved' | 'exported' | 'done' | 'cancelled';
  approval_steps: string[];
  skipped: Json;
  created_by: string | null;
  created_at: Timestamp;
  exported_at: Date | null;
  export_format: string | null;
}

export interface PayoutApprovalTable {
  batch_id: string;
  step: number;
  role: string;
  user_id: string;
  approved_at: Timestamp;
}

export interface PayoutLineTable {
  id: string;
  batch_id: string;
  partner_id: string;
  currency: string;
  amount: Int8;
  pay_currency: string;
  pay_amount: Int8;
  fx_rate: string | null;
  method_id: string;
  end_to_end_id: string;
  invoice_number: string | null;
  status: 'pending' | 'paid' | 'failed';
  reference: string | null;
  failure_reason: string | null;
  settled_at: Date | null;
}

export interface InvoiceSequenceTable {
  brand_id: string;
  last_number: Int8;
}

export interface StatementTable {
  id: string;
  brand_id: string;
  partner_id: string;
  period: string;
  content: Json;
  sha256: string;
  issued_at: Timestamp;
  issued_by: string | null;
}

export interface ReconciliationTotalTable {
  id: string;
  brand_id: string;
  period: string;
  metric: 'revenue' | 'ngr' | 'lots' | 'purchases';
  currency: string;
  reported: string;
  source: string;
  imported_at: Timestamp;
}

export interface ReconciliationNoteTable {
  id: string;
  brand_id: string;
  period: string;
  metric: string;
  currency: string;
  explanation: string;
  created_by: string | null;
  created_at: Timestamp;
}

/** Provisional month-to-date accruals (migration 20261125T1810): replaced by each run, never ledger entries. */
export interface AccrualRunTable {
  brand_id: string;
  period: string;
  as_of: string;
  rows_read: Int8;
  lines: number;
  issues: Json;
  totals: Json;
  run_at: Timestamp;
}

export interface AccrualTotalTable {
  brand_id: string;
  period: string;
  partner_id: string;
  segment: string;
  currency: string;
  amount: Int8;
  lines: number;
}

export interface LedgerTables {
  accrual_runs: AccrualRunTable;
  accrual_totals: AccrualTotalTable;
  ledger_settings: LedgerSettingsTable;
  ledger_periods: LedgerPeriodTable;
  close_runs: CloseRunTable;
  carried_states: CarriedStateTable;
  commission_lines: CommissionLineTable;
  ledger_entries: LedgerEntryTable;
  payment_methods: PaymentMethodTable;
  payout_batches: PayoutBatchTable;
  payout_approvals: PayoutApprovalTable;
  payout_lines: PayoutLineTable;
  invoice_sequences: InvoiceSequenceTable;
  statements: StatementTable;
  reconciliation_totals: ReconciliationTotalTable;
  reconciliation_notes: ReconciliationNoteTable;
}
