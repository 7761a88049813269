import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../platform/db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface LedgerSettings {
  fxMaxAgeDays: number;
  minPayout: bigint;
  schedule: 'monthly' | 'net';
  netDays: number;
  taxFormRequired: boolean;
  approvalSteps: string[];
  coolingOffHours: number;
  selfBilling: boolean;
  vatTreatment: string | null;
  invoicePrefix: string;
  reconciliationTolerance: bigint;
  debtor: { name: string | null; iban: string | null; bic: string | null };
}

export const DEFAULT_SETTINGS: LedgerSettings = {
  fxMaxAgeDays: 7,
  minPayout: 0n,
  schedule: 'monthly',
  netDays: 0,
  taxFormRequired: false,
  approvalSteps: ['finance'],
  coolingOffHours: 72,
  selfBilling: false,
  vatTreatment: null,
  invoicePrefix: 'SB-',
  reconciliationTolerance: 100n,
  debtor: { name: null, iban: null, bic: null },
};

/** The brand's ledger and payout settings (defaults when the brand has none). */
export async function loadLedgerSettings(db: Db, brandId: string): Promise<LedgerSettings> {
  const r = await db
    .selectFrom('ledger_settings')
    .selectAll()
    .where('brand_id', '=', brandId)
    .executeTakeFirst();
  if (!r) return DEFAULT_SETTINGS;
  return {
    fxMaxAgeDays: r.fx_max_age_days,
    minPayout: BigInt(r.min_payout),
    schedule: r.schedule,
    netDays: r.net_days,
    taxFormRequired: r.tax_form_required,
    approvalSteps: r.approval_steps,
    coolingOffHours: r.cooling_off_hours,
    selfBilling: r.self_billing,
    vatTreatment: r.vat_treatment,
    invoicePrefix: r.invoice_prefix,
    reconciliationTolerance: BigInt(r.reconciliation_tolerance),
    debtor: { name: r.debtor_name, iban: r.debtor_iban, bic: r.debtor_bic },
  };
}
