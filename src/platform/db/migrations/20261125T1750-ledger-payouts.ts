import { type Kysely, sql } from 'kysely';

/**
 * Period close, commission ledger, payouts, statements and reconciliation (issue 6). Amounts are int8 minor
 * units of their `currency`. Ledger entries are double-entry and append-only: each transaction's entries sum
 * to zero; balances are sums of entries, never stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // Per-brand ledger and payout settings; a missing row means the defaults.
    sql`create table ledger_settings (
      brand_id uuid primary key references brands (id),
      -- largest accepted age of an exchange rate at the event date
      fx_max_age_days int not null default 7 check (fx_max_age_days between 0 and 366),
      -- minimum payout per partner and currency, minor units (below it the balance rolls over)
      min_payout int8 not null default 0 check (min_payout >= 0),
      -- 'monthly': a period's lines are payable after it ends; 'net': net_days after it ends (NET-30)
      schedule text not null default 'monthly' check (schedule in ('monthly', 'net')),
      net_days int not null default 0 check (net_days between 0 and 365),
      tax_form_required boolean not null default false,
      -- login roles approving a payout batch, in order; each step by a different user
      approval_steps text[] not null default '{finance}',
      cooling_off_hours int not null default 72 check (cooling_off_hours between 0 and 8760),
      -- statements double as self-billing invoices
      self_billing boolean not null default false,
      vat_treatment text,
      invoice_prefix text not null default 'SB-',
      -- reconciliation: unexplained differences above this (minor units) block marking a period final
      reconciliation_tolerance int8 not null default 100 check (reconciliation_tolerance >= 0),
      -- SEPA debtor for pain.001
      debtor_name text,
      debtor_iban text,
      debtor_bic text,
      updated_at timestamptz not null default now()
    )`,

    sql`create table ledger_periods (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      -- 'YYYY-MM'
      period text not null check (period ~ '^[0-9]{4}-[0-9]{2}$'),
      starts_on date not null,
      -- exclusive
      ends_on date not null,
      timezone text not null,
      state text not null default 'open' check (state in ('open', 'closed', 'final')),
      closed_at timestamptz,
      finalized_at timestamptz,
      finalized_by text,
      created_at timestamptz not null,
      unique (brand_id, period)
    )`,

    sql`create table close_runs (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      period_id uuid not null references ledger_periods (id),
      -- 'close': the period's own close; 'adjustment': a closed period recomputed, deltas booked in booked_period_id
      kind text not null check (kind in ('close', 'adjustment')),
      booked_period_id uuid not null references ledger_periods (id),
      rows_read int8 not null,
      lines int not null,
      entries int not null,
      issues jsonb not null,
      fx_used jsonb not null,
      overlap_count int not null,
      actor text,
      started_at timestamptz not null,
      finished_at timestamptz not null
    )`,

    // What the engine hands to the next period, per brand and period (JSON-safe CarriedState).
    sql`create table carried_states (
      brand_id uuid not null references brands (id),
      period text not null,
      state jsonb not null,
      sha256 text not null,
      close_run_id uuid not null references close_runs (id),
      primary key (brand_id, period)
    )`,

    sql`create table commission_lines (
      id uuid primary key,
      -- the engine's deterministic lineId, or lineId~period~amount for an adjustment: the idempotency key
      line_key text not null unique,
      brand_id uuid not null references brands (id),
      -- the ledger period the line is booked in
      period_id uuid not null references ledger_periods (id),
      -- the period whose activity produced it (differs from the booked period for adjustments)
      source_period text not null,
      partner_id uuid not null references partners (id),
      segment text not null,
      payee text not null check (payee in ('partner', 'customer')),
      customer_id text,
      kind text not null,
      amount int8 not null,
      currency text not null,
      hold_until date,
      deal_id text not null,
      deal_version int not null,
      component_id text not null,
      derived_from text,
      explanation jsonb not null,
      -- a late adjustment or clawback: the line it corrects
      corrects_line_id uuid references commission_lines (id),
      close_run_id uuid not null references close_runs (id),
      state text not null default 'pending'
        check (state in ('pending', 'approved', 'payable', 'paid', 'rejected', 'reversed')),
      state_reason text,
      state_changed_at timestamptz not null,
      state_changed_by text,
      -- the payout line paying it while in a batch (cleared when the payment fails)
      payout_line_id uuid,
      created_at timestamptz not null
    )`,
    sql`create index commission_lines_partner_idx on commission_lines (partner_id, state, currency)`,
    sql`create index commission_lines_period_idx on commission_lines (period_id, partner_id)`,
    sql`create index commission_lines_source_idx on commission_lines (brand_id, source_period)`,
    sql`create index commission_lines_payout_idx on commission_lines (payout_line_id) where payout_line_id is not null`,
    // The money facts of a line never change after booking; only its state (and payout link) moves.
    sql`create function consort_line_facts_fixed() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'commission lines are never deleted (line %)', old.id using errcode = 'insufficient_privilege';
        end if;
        if (new.line_key, new.brand_id, new.period_id, new.source_period, new.partner_id, new.segment, new.payee,
            new.customer_id, new.kind, new.amount, new.currency, new.hold_until, new.deal_id, new.deal_version,
            new.component_id, new.derived_from, new.explanation, new.corrects_line_id, new.close_run_id)
          is distinct from
           (old.line_key, old.brand_id, old.period_id, old.source_period, old.partner_id, old.segment, old.payee,
            old.customer_id, old.kind, old.amount, old.currency, old.hold_until, old.deal_id, old.deal_version,
            old.component_id, old.derived_from, old.explanation, old.corrects_line_id, old.close_run_id) then
          raise exception 'the amount and explanation of a commission line are fixed (line %)', old.id
            using errcode = 'insufficient_privilege';
        end if;
        return new;
      end
    $$`,
    sql`create trigger commission_lines_facts_fixed before update or delete on commission_lines
      for each row execute function consort_line_facts_fixed()`,

    sql`create table ledger_entries (
      id bigserial primary key,
      -- groups the entries of one posting (they sum to zero)
      txn_id uuid not null,
      -- idempotency: one posting per cause (line accrual, state change, payout step)
      entry_key text not null unique,
      brand_id uuid references brands (id),
      -- null for the operator's own accounts
      partner_id uuid references partners (id),
      account text not null check (account in
        ('commission_expense', 'partner_pending', 'partner_payable', 'partner_in_payout', 'cash')),
      currency text not null,
      -- signed minor units: debit > 0, credit < 0
      amount int8 not null,
      line_id uuid references commission_lines (id),
      payout_line_id uuid,
      -- accrual, release, reject, reverse, payout, paid, payout_failed
      cause text not null,
      booked_on date not null,
      created_at timestamptz not null
    )`,
    sql`create index ledger_entries_partner_idx on ledger_entries (partner_id, account, currency)`,
    sql`create index ledger_entries_txn_idx on ledger_entries (txn_id)`,
    sql`create index ledger_entries_line_idx on ledger_entries (line_id)`,
    sql`create trigger ledger_entries_append_only before update or delete on ledger_entries
      for each row execute function consort_refuse_change()`,
    sql`create trigger ledger_entries_no_truncate before truncate on ledger_entries
      for each statement execute function consort_refuse_change()`,

    // A partner's payment methods over time; the newest not superseded one is current.
    sql`create table payment_methods (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      kind text not null check (kind in ('bank', 'crypto', 'ewallet')),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      -- bank: holder, iban, bic; crypto: network, address; ewallet: provider, account
      details jsonb not null,
      -- a change of an existing method: not paid before usable_from and before the partner was notified
      is_change boolean not null,
      usable_from timestamptz not null,
      notified_at timestamptz,
      created_by text,
      created_at timestamptz not null,
      superseded_at timestamptz
    )`,
    sql`create unique index payment_methods_current_key on payment_methods (partner_id) where superseded_at is null`,

    sql`create table payout_batches (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      pay_date date not null,
      status text not null default 'approving'
        check (status in ('approving', 'approved', 'exported', 'done', 'cancelled')),
      -- login roles of the approval steps, copied from the brand's settings at creation
      approval_steps text[] not null,
      -- partners left out and why (below threshold, tax form, cooling-off, ...)
      skipped jsonb not null,
      created_by text,
      created_at timestamptz not null,
      exported_at timestamptz,
      export_format text
    )`,
    sql`create table payout_approvals (
      batch_id uuid not null references payout_batches (id),
      step int not null,
      role text not null,
      user_id uuid not null references users (id),
      approved_at timestamptz not null,
      primary key (batch_id, step),
      unique (batch_id, user_id)
    )`,
    sql`create table payout_lines (
      id uuid primary key,
      batch_id uuid not null references payout_batches (id),
      partner_id uuid not null references partners (id),
      -- the ledger currency and amount (sum of the included commission lines)
      currency text not null,
      amount int8 not null check (amount > 0),
      -- what is sent: the method's currency, converted at the pay date's rate when it differs
      pay_currency text not null,
      pay_amount int8 not null check (pay_amount > 0),
      fx_rate text,
      method_id uuid not null references payment_methods (id),
      end_to_end_id text not null unique,
      invoice_number text unique,
      status text not null default 'pending' check (status in ('pending', 'paid', 'failed')),
      reference text,
      failure_reason text,
      settled_at timestamptz,
      unique (batch_id, partner_id, currency)
    )`,
    sql`create table invoice_sequences (
      brand_id uuid primary key references brands (id),
      last_number int8 not null
    )`,

    sql`create table statements (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      partner_id uuid not null references partners (id),
      period text not null,
      -- the canonical content (sorted-key JSON) that was hashed
      content jsonb not null,
      sha256 text not null,
      issued_at timestamptz not null,
      issued_by text,
      unique (brand_id, partner_id, period)
    )`,
    sql`create trigger statements_append_only before update or delete on statements
      for each row execute function consort_refuse_change()`,

    sql`create table reconciliation_totals (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      period text not null,
      metric text not null check (metric in ('revenue', 'ngr', 'lots', 'purchases')),
      currency text not null,
      -- decimal string: money in major units, lots in lots
      reported numeric(24, 6) not null,
      source text not null,
      imported_at timestamptz not null,
      unique (brand_id, period, metric, currency)
    )`,
    sql`create table reconciliation_notes (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      period text not null,
      metric text not null,
      currency text not null,
      explanation text not null,
      created_by text,
      created_at timestamptz not null
    )`,
  ];
  for (const s of statements) await s.execute(db);
}
