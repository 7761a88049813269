import { type Kysely, sql } from 'kysely';

/**
 * Negative balances per the deal (issue 6): a deal whose terms say `negativeBalance: "reset"` has a partner's
 * negative payable balance written off when a payout batch is made. The lines netted into the negative balance
 * and the write-off line itself end in the terminal state `written_off`, each netted line linked to the
 * write-off line (`written_off_by`); the write-off's booking run is a `close_runs` row of kind `write_off`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`alter table commission_lines drop constraint commission_lines_state_check`,
    sql`alter table commission_lines add constraint commission_lines_state_check
      check (state in ('pending', 'approved', 'payable', 'paid', 'rejected', 'reversed', 'written_off'))`,
    // the write-off line that netted this line away (a negative balance written off per the deal)
    sql`alter table commission_lines add column written_off_by uuid references commission_lines (id)`,
    sql`create index commission_lines_written_off_idx on commission_lines (written_off_by)
      where written_off_by is not null`,
    sql`alter table close_runs drop constraint close_runs_kind_check`,
    sql`alter table close_runs add constraint close_runs_kind_check
      check (kind in ('close', 'adjustment', 'write_off'))`,
  ];
  for (const s of statements) await s.execute(db);
}
