/** Response shapes of /api/v1, mirroring the route schemas (test/web/api-contract.test.ts checks them against /openapi.json). */

export const LOGIN_ROLES = [
  'admin',
  'partner_manager',
  'finance',
  'compliance',
  'analyst',
  'partner',
] as const;
export type LoginRole = (typeof LOGIN_ROLES)[number];
export const STAFF_ROLES = LOGIN_ROLES.filter((r) => r !== 'partner') as Exclude<LoginRole, 'partner'>[];

export const SEGMENTS = ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const SCOPES = ['events:write', 'activity:write', 'reports:read', 'leads:write'] as const;

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: LoginRole;
  partnerId: string | null;
  totpEnabled: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
  totpEnrolmentRequired: boolean;
  expiresAt: string;
}

export interface Brand {
  id: string;
  code: string;
  name: string;
  vertical: 'igaming' | 'forex' | 'prop';
  currency: string;
  timezone: string;
  jurisdictions: string[];
  landingUrlTemplate: string;
  fallbackUrl: string;
}

/** The roles that may be a payout batch's approval step. */
export type ApproverRole = 'admin' | 'partner_manager' | 'finance' | 'compliance';

/** GET/PUT /brands/:id/ledger-settings: amounts in minor units of `currency`. */
export interface LedgerSettings {
  brandId: string;
  currency: string;
  fxMaxAgeDays: number;
  minPayout: string;
  schedule: 'monthly' | 'net';
  netDays: number;
  taxFormRequired: boolean;
  approvalSteps: ApproverRole[];
  coolingOffHours: number;
  selfBilling: boolean;
  vatTreatment: string | null;
  invoicePrefix: string;
  reconciliationTolerance: string;
  debtor: { name: string | null; iban: string | null; bic: string | null };
}

/** The payout settings a brand's settings form changes (each optional). */
export interface LedgerSettingsChange {
  approvalSteps?: ApproverRole[];
  minPayoutMinor?: string;
  coolingOffHours?: number;
}

export interface Partner {
  id: string;
  displayName: string;
  email: string | null;
  country: string | null;
  status: string;
  segments: Segment[];
  managerUserId: string | null;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  prefix: string;
  name: string;
  kind: 'operator' | 'partner';
  scopes: string[];
  brandIds: string[];
  partnerId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuditRecord {
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  diff: unknown;
  requestId: string | null;
  ip: string | null;
  chainSeq: string | null;
  hash: string | null;
}

export interface Verification {
  ok: boolean;
  checked: number;
  headSeq: string | null;
  headHash: string | null;
  firstBreak: Record<string, unknown> | null;
  message: string;
}

export interface VerificationRun {
  verifiedAt: string;
  ok: boolean;
  checked: string;
  message: string;
  trigger: string;
}

export interface Page<T> {
  items: T[];
}

/** GET /partners/:id and /portal/profile since issue 4 (the list keeps the short view). */
export interface PartnerDetail extends Partner {
  statusReason: string | null;
  legalName: string | null;
  contactName: string | null;
  phone: string | null;
  website: string | null;
  companyName: string | null;
  companyNumber: string | null;
  vatNumber: string | null;
  tier: string | null;
  taxFormStatus: string;
  commissionHeld: boolean;
  payoutsBlocked: boolean;
  onboardedAt: string | null;
  activatedAt: string | null;
  tags: string[];
  notes: string | null;
  statusChangedAt: string | null;
  erasedAt: string | null;
  brands?: Array<{ brandId: string; parentPartnerId: string | null }>;
  /** Portal only: why a suspended account is suspended and what it means. */
  notice?: string | null;
}

export interface TimelineEntry {
  id: string;
  occurredAt: string;
  kind: string;
  summary: string;
  detail: unknown;
  actorType: string;
  actorId: string | null;
}

export interface PartnerDocument {
  id: string;
  partnerId: string;
  type: string;
  fileName: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  expiresOn: string | null;
  reviewStatus: 'pending' | 'approved' | 'rejected';
  reviewNote: string | null;
  reviewedAt: string | null;
  createdAt: string;
  erased: boolean;
}

export interface VettingItem {
  documentType: string;
  note: string;
  requiredFor: string[];
  state: 'ok' | 'missing' | 'unreviewed' | 'expired' | 'rejected' | 'expiring';
  documentId: string | null;
  expiresOn: string | null;
}

export interface Contract {
  id: string;
  partnerId: string;
  brandId: string;
  version: number;
  segments: string[];
  tier: string | null;
  renderedText: string;
  renderedSha256: string;
  effectiveFrom: string;
  status: string;
  issuedAt: string;
  acceptedAt: string | null;
  acceptedByUserId: string | null;
  acceptedIp: string | null;
  acceptedSha256: string | null;
}

export interface TrackingLink {
  id: string;
  code: string;
  brandId: string;
  segment: string;
  kind: string;
  name: string;
  landingUrl: string;
  subIds: Record<string, string>;
  status: string;
  createdAt: string;
}

export interface PromoCode {
  id: string;
  code: string;
  brandId: string;
  segment: string;
  status: string;
  createdAt: string;
}

export interface SubPartner {
  partnerId: string;
  displayName: string;
  brandId: string;
  parentPartnerId: string | null;
  depth: number;
  status: string;
}

export interface AttentionItem {
  partnerId: string;
  displayName: string;
  status: string;
  managerUserId: string | null;
  documents: Array<{ documentType: string; state: VettingItem['state']; expiresOn: string | null }>;
}

/** One rollup row of GET /reports/traffic (amounts in minor units of `currency`). */
export interface TrafficRow {
  bucket: string;
  brand_id: string;
  partner_id: string;
  segment: string;
  link_id: string | null;
  sub_id: string | null;
  currency: string | null;
  clicks: number | string;
  unique_clicks: number | string;
  registrations: number | string;
  ftds: number | string;
  purchases: number | string;
  revenue: number | string | null;
}

export interface NpsSurvey {
  id: string;
  question: string;
  segment: string | null;
  openedAt: string;
  closesAt: string | null;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
}

// ---- money: commission lines, balances, payouts, statements, reconciliation, FX ----
export interface Explanation {
  formula: string;
  inputs: Record<string, string>;
  tier?: {
    basis: string;
    value: string;
    mode: 'retroactive' | 'incremental' | 'flat';
    bands: { from: string; to: string | null; rate: string; portion?: string; amount?: string }[];
    reached: number;
  };
  deductions?: { kind: string; method: string; base?: string; rate?: string; amount: string }[];
  [key: string]: unknown;
}

export interface CommissionLine {
  /** The partner's display name (commission-line lists only). */
  partnerName?: string | null;
  id: string;
  lineKey: string;
  brandId: string;
  sourcePeriod: string;
  partnerId: string;
  segment: string;
  payee: string;
  customerId: string | null;
  kind: string;
  amount: string;
  amountMinor: string;
  currency: string;
  holdUntil: string | null;
  dealId: string;
  dealVersion: number;
  componentId: string;
  derivedFrom: string | null;
  explanation: Explanation;
  correctsLineId: string | null;
  state: string;
  stateReason: string | null;
  payoutLineId: string | null;
}

export interface LedgerPeriod {
  id: string;
  period: string;
  startsOn: string;
  endsOn: string;
  timezone: string;
  state: 'open' | 'closed' | 'final';
  closedAt: string | null;
  finalizedAt: string | null;
}

export interface Balance {
  account: string;
  currency: string;
  amount: string;
  amountMinor: string;
}

export interface PayoutBatch {
  id: string;
  brandId: string;
  payDate: string;
  status: string;
  approvalSteps: string[];
  approvals: { step: number; role: string; userId: string; at: string }[];
  skipped:
    | {
        partnerId: string;
        reason: string;
        currency?: string;
        amount?: string;
        detail?: string;
        writeOffLineId?: string;
      }[]
    | null;
  lines: {
    id: string;
    partnerId: string;
    partnerName: string;
    currency: string;
    amount: string;
    payCurrency: string;
    payAmount: string;
    fxRate: string | null;
    method: string;
    endToEndId: string;
    invoiceNumber: string | null;
    status: string;
    reference: string | null;
    failureReason: string | null;
  }[];
}

/** GET /payout-batches */
export interface PayoutBatchSummary {
  id: string;
  brandId: string;
  payDate: string;
  status: string;
  approvalSteps: string[];
  approvalsDone: number;
  lineCount: number;
  paidCount: number;
  failedCount: number;
  skippedCount: number;
  totals: { currency: string; amount: string; amountMinor: string }[];
  createdAt: string;
  exportedAt: string | null;
  exportFormat: string | null;
}

/** GET /portal/payouts */
export interface PortalPayout {
  id: string;
  brandId: string;
  payDate: string;
  currency: string;
  amount: string;
  payCurrency: string;
  payAmount: string;
  fxRate: string | null;
  method: string;
  status: 'pending' | 'paid' | 'failed';
  paidAt: string | null;
  reference: string | null;
  failureReason: string | null;
  invoiceNumber: string | null;
  statements: { id: string; period: string }[];
}

export interface StatementSummary {
  id: string;
  brandId: string;
  period: string;
  sha256: string;
  issuedAt: string;
}

export interface StatementVerification {
  ok: boolean;
  sha256: string;
  message: string;
  changed?: unknown[];
  missing?: unknown[];
}

export interface FxRate {
  date: string;
  base: string;
  quote: string;
  rate: string;
  source: string;
}

export interface FxImportResult {
  format: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  firstDate: string | null;
  lastDate: string | null;
}

export interface DealTemplate {
  id: string;
  brandId: string;
  segment: Segment;
  tier: string;
  name: string;
  version: number;
  terms: Record<string, unknown>;
  legalText: string;
  [key: string]: unknown;
}

export interface SimulationResult {
  lines: {
    id?: string;
    partnerId?: string;
    kind?: string;
    amount: string;
    currency: string;
    customerId?: string | null;
    explanation?: Explanation;
    [key: string]: unknown;
  }[];
  totals: { partnerId?: string; currency: string; amount?: string; [key: string]: unknown }[];
  issues: { kind: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

/** POST /partners/:id/backtests: a draft deal and the partner's current deal over the partner's past activity. */
export interface BacktestResult {
  partnerId: string;
  brand: string;
  months: string[];
  activityRows: number;
  customers: number;
  current: { dealId: string; version: number; name: string } | null;
  comparison: {
    periodId: string;
    currency: string;
    draft: string;
    current: string;
    difference: string;
    draftLines: number;
    currentLines: number;
  }[];
  draftRun: SimulationResult;
  currentRun: SimulationResult | null;
}

export interface Reconciliation {
  brand: string;
  period: string;
  state: string;
  tolerance: string;
  differences: {
    metric: string;
    currency: string;
    computed: string | null;
    reported: string | null;
    difference: string | null;
    withinTolerance: boolean;
    explained: boolean;
    notes: string[];
  }[];
  trace: {
    lateRows: { table: string; rows: number }[];
    topCustomers: unknown[];
    correctingLines: {
      id: string;
      kind: string;
      amount: string;
      currency: string;
      corrects: string | null;
      customer: string | null;
    }[];
  };
  final: unknown;
}

// ---- reporting (docs/kpis.md) ----
export type KpiUnit = 'count' | 'weighted_count' | 'percent' | 'money' | 'points';
/** Money values are minor-unit strings of the reporting currency; `null` = no data. */
export type KpiValue = number | string | null;
export interface Kpi {
  key: string;
  label: string;
  definition: string;
  unit: KpiUnit;
  value: KpiValue;
  previous: KpiValue;
  change: KpiValue;
  detail?: Record<string, unknown>;
}
export interface KpiReport {
  from: string;
  to: string;
  previousFrom: string;
  currency: string;
  missingRates: string[];
  ltvRefreshedAt: string | null;
  kpis: Kpi[];
}
export type ReportMetric = 'clicks' | 'registrations' | 'ftds' | 'revenue' | 'commission';
export interface TimeSeries {
  metric: ReportMetric;
  grain: 'day' | 'week' | 'month';
  currency: string;
  unit: 'count' | 'money';
  points: Array<{ bucket: string; value: number | string }>;
  missingRates: string[];
}
export interface Funnel {
  clicks: number;
  uniqueClicks: number;
  registrations: number;
  ftds: number;
  clickToRegistrationPct: number | null;
  registrationToFtdPct: number | null;
  clickToFtdPct: number | null;
}
export interface SegmentMix {
  currency: string;
  total: string;
  segments: Array<{ segment: string; revenue: string; sharePct: number | null; activePartners: number }>;
  missingRates: string[];
}
export interface TaskGroup {
  kind: string;
  count: number;
  items: Array<{ id: string; label: string; at: string | null; overdue?: boolean }>;
  note?: string;
}
export const GROUP_BYS = [
  'date',
  'week',
  'month',
  'brand',
  'segment',
  'partner',
  'manager',
  'country',
  'link',
  'sub_id',
] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const REPORT_COLUMNS = [
  'clicks',
  'unique_clicks',
  'registrations',
  'ftds',
  'deposits',
  'purchases',
  'ftd_amount',
  'deposit_amount',
  'purchase_amount',
  'refund_amount',
  'revenue',
  'click_to_registration_pct',
  'registration_to_ftd_pct',
  'epc',
] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];
// ---- notifications and messages ----
export type NotificationEvent =
  | 'application_decision'
  | 'document_expiring'
  | 'contract_to_accept'
  | 'commission_hold'
  | 'payout_sent'
  | 'message_received'
  | 'claim_answered';
export interface AppNotification {
  id: string;
  event: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
  emailStatus: 'off' | 'pending' | 'sent' | 'failed';
}
export interface NotificationPreference {
  event: NotificationEvent;
  label: string;
  inApp: boolean;
  email: boolean;
}
export interface NotificationTemplate {
  event: NotificationEvent;
  label: string;
  description: string;
  placeholders: string[];
  subject: string;
  body: string;
  overridden: boolean;
  updatedAt: string | null;
  defaultSubject: string;
  defaultBody: string;
}
export interface Message {
  id: string;
  partnerId: string;
  side: 'partner' | 'staff';
  senderName: string;
  mine: boolean;
  body: string;
  readAt: string | null;
  createdAt: string;
}
export interface MessageThread {
  items: Message[];
  unread: number;
}

export interface Breakdown {
  groupBy: GroupBy;
  from: string;
  to: string;
  currency: string;
  columns: ReportColumn[];
  rows: Array<{ key: string; label: string; values: Record<string, number | string | null> }>;
  missingRates: string[];
}

/** What the Reports page saves (GET/POST /saved-reports): group-by, columns, filters, comparison period. */
export interface ReportDefinition {
  groupBy: GroupBy;
  columns: ReportColumn[];
  filters: {
    /** A named period is recomputed from today when opened; 'custom' keeps from/to. */
    preset: '7' | '30' | '90' | 'month' | 'quarter' | 'year' | 'custom';
    from: string;
    to: string;
    brandId: string | null;
    segment: Segment | null;
    managerId: string | null;
    currency: string;
  };
  compare: boolean;
  /** Start of period B; null: the period just before. */
  compareFrom: string | null;
}
export interface SavedReport {
  id: string;
  name: string;
  definition: ReportDefinition;
  createdAt: string;
  updatedAt: string;
}

/** A deliverable a deal pays a flat fee for (GET /deliverables, /portal/deliverables). */
export interface Deliverable {
  id: string;
  partnerId: string;
  partnerName?: string;
  brandId: string;
  brand: string | null;
  segment: Segment;
  type: string;
  externalRef: string;
  title: string;
  url: string | null;
  deliveredOn: string;
  status: 'submitted' | 'approved' | 'rejected';
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  createdAt: string;
}

export interface DeliverableInput {
  brand: string;
  segment: Segment;
  type: string;
  externalRef: string;
  title: string;
  url?: string;
  deliveredOn: string;
}

// ---- missing-commission claims and view-as ----
export type ClaimState = 'open' | 'in_review' | 'accepted' | 'rejected';
export interface Claim {
  id: string;
  partnerId: string;
  brandId: string;
  customerRef: string;
  expectedAmount: string;
  currency: string;
  reason: string;
  period: string | null;
  state: ClaimState;
  dueAt: string;
  overdue: boolean;
  acceptedAmount: string | null;
  response: string | null;
  adjustmentLineId: string | null;
  decidedAt: string | null;
  createdAt: string;
}
export interface StaffClaim extends Claim {
  partnerName: string;
  decidedBy: string | null;
}
export interface ViewAsGrant {
  grantId: string;
  partnerId: string;
  partnerName: string;
  expiresAt: string;
  header: string;
}
