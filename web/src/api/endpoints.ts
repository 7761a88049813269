/**
 * Every API call the web app makes, in one place. test/web/api-contract.test.ts reads this file and checks
 * that each method and path exists in the server's OpenAPI document, so the UI adds no private back doors.
 */
import { http } from './client';
import type {
  ApiKey,
  AttentionItem,
  AuditRecord,
  BacktestResult,
  Balance,
  Brand,
  Breakdown,
  CommissionLine,
  Contract,
  DealTemplate,
  FxImportResult,
  Funnel,
  FxRate,
  GroupBy,
  KpiReport,
  LedgerPeriod,
  LoginRole,
  NpsSurvey,
  Page,
  Partner,
  PartnerDetail,
  PartnerDocument,
  PayoutBatch,
  Reconciliation,
  ReportMetric,
  SegmentMix,
  PromoCode,
  Segment,
  Session,
  SimulationResult,
  StatementSummary,
  StatementVerification,
  SubPartner,
  TaskGroup,
  TimeSeries,
  TimelineEntry,
  TrackingLink,
  TrafficRow,
  User,
  Verification,
  VerificationRun,
  VettingItem,
} from './types';

const enc = encodeURIComponent;

// ---- auth ----
export const getSession = () => http.get<Session>('/auth/session');
export const login = (body: { email: string; password: string; totpCode?: string }) =>
  http.post<Session>('/auth/login', body);
export const logout = () => http.post<void>('/auth/logout');
export const requestPasswordReset = (email: string) =>
  http.post<{ status: string }>('/auth/password-reset', { email });
export const confirmPasswordReset = (token: string, password: string) =>
  http.post<void>('/auth/password-reset/confirm', { token, password });
export const changePassword = (currentPassword: string, newPassword: string) =>
  http.post<void>('/auth/password', { currentPassword, newPassword });
export const totpSetup = () => http.post<{ secret: string; otpauthUri: string }>('/auth/totp/setup');
export const totpEnable = (code: string) => http.post<void>('/auth/totp/enable', { code });
export const totpDisable = (password: string) => http.post<void>('/auth/totp/disable', { password });

// ---- users (admin) ----
export const listUsers = (role?: LoginRole) => http.get<Page<User>>('/users', { role });
export const createUser = (body: {
  email: string;
  password: string;
  role: LoginRole;
  displayName?: string;
  partnerId?: string;
}) => http.post<User>('/users', body);
export const updateUser = (
  id: string,
  body: { displayName?: string; role?: LoginRole; disabled?: boolean },
) => http.patch<User>(`/users/${enc(id)}`, body);

// ---- API keys ----
export const listApiKeys = () => http.get<Page<ApiKey>>('/api-keys');
export const createApiKey = (body: {
  name: string;
  kind: 'operator' | 'partner';
  scopes: string[];
  brandIds?: string[];
  partnerId?: string;
  expiresAt?: string;
}) => http.post<{ key: string; apiKey: ApiKey }>('/api-keys', body);
export const revokeApiKey = (id: string) => http.delete<ApiKey>(`/api-keys/${enc(id)}`);

// ---- brands ----
export const listBrands = () => http.get<Page<Brand>>('/brands');
export const createBrand = (body: Omit<Brand, 'id'>) => http.post<Brand>('/brands', body);
export const updateBrand = (
  id: string,
  body: Partial<Omit<Brand, 'id' | 'code' | 'vertical' | 'currency'>>,
) => http.patch<Brand>(`/brands/${enc(id)}`, body);

// ---- partners ----
export interface PartnerQuery {
  segment?: Segment | undefined;
  status?: string | undefined;
  limit?: number;
  offset?: number;
}
export const listPartners = (q: PartnerQuery = {}) =>
  http.get<Page<Partner> & { total: number }>('/partners', { ...q });
export const getPartner = (id: string) => http.get<PartnerDetail>(`/partners/${enc(id)}`);
export const createPartner = (body: {
  displayName: string;
  email?: string;
  country?: string;
  segments: Segment[];
  managerUserId?: string;
}) => http.post<Partner>('/partners', body);

export const setPartnerStatus = (id: string, status: string, reason?: string) =>
  http.post<PartnerDetail>(`/partners/${enc(id)}/status`, { status, ...(reason ? { reason } : {}) });
export const setPartnerManager = (id: string, managerUserId: string, reason?: string) =>
  http.put<PartnerDetail>(`/partners/${enc(id)}/manager`, { managerUserId, ...(reason ? { reason } : {}) });
export const getPartnerTimeline = (id: string) =>
  http.get<Page<TimelineEntry>>(`/partners/${enc(id)}/timeline`, { limit: 200 });
export const addPartnerNote = (id: string, body: string, remindOn?: string) =>
  http.post<{ id: string }>(`/partners/${enc(id)}/notes`, { body, ...(remindOn ? { remindOn } : {}) });
export const getSubPartners = (id: string) => http.get<Page<SubPartner>>(`/partners/${enc(id)}/sub-partners`);
export const getPartnerTracking = (id: string) =>
  http.get<{ links: TrackingLink[]; promoCodes: PromoCode[] }>(`/partners/${enc(id)}/tracking`);

// ---- onboarding: documents and contracts ----
export const getPartnerDocuments = (id: string) =>
  http.get<{ items: PartnerDocument[]; checklist: VettingItem[] }>(`/partners/${enc(id)}/documents`);
export const reviewDocument = (
  id: string,
  body: { decision: 'approved' | 'rejected'; note?: string; expiresOn?: string },
) => http.post<PartnerDocument>(`/documents/${enc(id)}/review`, body);
/** A download link (same-origin GET with the session cookie). */
export const documentContentUrl = (id: string) => `/api/v1/documents/${enc(id)}/content`;
export const documentsNeedingAttention = (withinDays = 30) =>
  http.get<Page<AttentionItem>>('/documents/attention', { withinDays });
export const getPartnerContracts = (id: string) => http.get<Page<Contract>>(`/partners/${enc(id)}/contracts`);
export const issueContract = (
  id: string,
  body: { brandId: string; segments: Segment[]; effectiveFrom?: string },
) => http.post<Contract>(`/partners/${enc(id)}/contracts`, body);

// ---- reports ----
export const getTraffic = (q: {
  from: string;
  to: string;
  grain?: 'day' | 'hour';
  brandId?: string;
  partnerId?: string;
}) => http.get<Page<TrafficRow>>('/reports/traffic', q);
/** Filters of the reporting API (docs/kpis.md): period [from, to) and optional brand, segment, manager. */
export interface ReportFilter {
  from: string;
  to: string;
  brandId?: string | undefined;
  segment?: Segment | undefined;
  managerId?: string | undefined;
  partnerId?: string | undefined;
  currency?: string | undefined;
}
export const getKpis = (f: ReportFilter) => http.get<KpiReport>('/reports/kpis', { ...f });
export const getTimeSeries = (
  f: ReportFilter & { metric: ReportMetric; grain?: 'day' | 'week' | 'month' | undefined },
) => http.get<TimeSeries>('/reports/timeseries', { ...f });
export const getFunnel = (f: ReportFilter) => http.get<Funnel>('/reports/funnel', { ...f });
export const getSegmentMix = (f: ReportFilter) => http.get<SegmentMix>('/reports/segment-mix', { ...f });
export const getTasks = (brandId?: string) =>
  http.get<{ groups: TaskGroup[] }>('/reports/tasks', { brandId });
export interface BreakdownQuery extends ReportFilter {
  groupBy: GroupBy;
  /** comma-separated column names */
  columns?: string | undefined;
}
export const getBreakdown = (q: BreakdownQuery) => http.get<Breakdown>('/reports/breakdown', { ...q });
/** The same report as CSV (the server's file, with the same filters and columns). */
export const exportBreakdownCsv = (q: BreakdownQuery) =>
  http.getFile('/reports/breakdown', { ...q, format: 'csv' });
export const listNpsSurveys = () => http.get<Page<NpsSurvey>>('/nps-surveys');

// ---- partner portal ----
export const getPortalProfile = () => http.get<PartnerDetail>('/portal/profile');
export const getPortalDocuments = () =>
  http.get<{ items: PartnerDocument[]; checklist: VettingItem[] }>('/portal/documents');
export const uploadPortalDocument = (form: FormData) =>
  http.upload<PartnerDocument>('/portal/documents', form);
export const portalDocumentContentUrl = (id: string) => `/api/v1/portal/documents/${enc(id)}/content`;
export const getPortalContracts = () => http.get<Page<Contract>>('/portal/contracts');
export const acceptPortalContract = (id: string, sha256: string) =>
  http.post<Contract>(`/portal/contracts/${enc(id)}/accept`, { sha256 });
export const getPortalTracking = () =>
  http.get<{ links: TrackingLink[]; promoCodes: PromoCode[] }>('/portal/tracking');
export const createPortalLink = (body: {
  brandId: string;
  segment: Segment;
  name: string;
  code?: string;
  subIds?: Record<string, string>;
}) => http.post<TrackingLink>('/portal/links', body);

// ---- audit ----
export interface AuditQuery {
  q?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  actorId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: string | undefined;
  limit?: number;
}
export const searchAudit = (q: AuditQuery) =>
  http.get<Page<AuditRecord> & { nextBefore: string | null }>('/audit', { ...q });
export const verifyAuditChain = () => http.post<Verification>('/audit/verify');
export const listAuditVerifications = () => http.get<Page<VerificationRun>>('/audit/verifications');

// ---- money: commission lines, balances, periods ----
export interface LineQuery {
  partnerId?: string | undefined;
  brandId?: string | undefined;
  period?: string | undefined;
  state?: string | undefined;
  limit?: number;
  after?: string | undefined;
}
export const listCommissionLines = (q: LineQuery = {}) =>
  http.get<{ items: CommissionLine[]; next: string | null }>('/commission-lines', { ...q });
export const approveLines = (ids: string[], reason?: string) =>
  http.post<unknown>('/commission-lines/approve', { ids, ...(reason ? { reason } : {}) });
export const rejectLines = (ids: string[], reason: string) =>
  http.post<unknown>('/commission-lines/reject', { ids, reason });
export const reverseLines = (ids: string[], reason: string) =>
  http.post<unknown>('/commission-lines/reverse', { ids, reason });
export const clawBackLine = (id: string, reason: string, amountMinor?: string) =>
  http.post<unknown>(`/commission-lines/${enc(id)}/clawback`, {
    reason,
    ...(amountMinor ? { amountMinor } : {}),
  });
export const releaseHolds = () => http.post<unknown>('/ledger/hold-release');
export const getPartnerBalance = (id: string) =>
  http.get<{ partnerId: string; balances: Balance[] }>(`/partners/${enc(id)}/balance`);
export const listPeriods = (brandId: string) =>
  http.get<{ items: LedgerPeriod[] }>('/ledger/periods', { brandId });

// ---- payouts ----
export const createPayoutBatch = (body: { brandId: string; payDate: string }) =>
  http.post<{ id?: string; batchId?: string; [k: string]: unknown }>('/payout-batches', body);
export const getPayoutBatch = (id: string) => http.get<PayoutBatch>(`/payout-batches/${enc(id)}`);
export const approvePayoutBatch = (id: string) => http.post<unknown>(`/payout-batches/${enc(id)}/approve`);
/** The export answers with the file itself (CSV or pain.001 XML), not JSON. */
export const exportPayoutBatch = (id: string, format: 'csv' | 'pain001') =>
  http.postFile(`/payout-batches/${enc(id)}/export`, { format });
export const settlePayoutLine = (
  id: string,
  body: { outcome: 'paid'; reference: string } | { outcome: 'failed'; reason: string },
) => http.post<unknown>(`/payout-lines/${enc(id)}/settle`, body);

// ---- statements ----
export const listStatements = (partnerId?: string) =>
  http.get<{ items: StatementSummary[] }>('/statements', { partnerId });
export const issueStatement = (body: { brandId: string; partnerId: string; period: string }) =>
  http.post<{ id: string; sha256: string }>('/statements', body);
export const verifyStatement = (id: string) =>
  http.get<StatementVerification>(`/statements/${enc(id)}/verify`);
/** A download link (same-origin GET with the session cookie): the sealed statement as HTML or CSV. */
export const statementUrl = (id: string, format: 'html' | 'csv') =>
  `/api/v1/statements/${enc(id)}` + `?format=${format}`;

// ---- reconciliation ----
export const getReconciliation = (brand: string, period: string) =>
  http.get<Reconciliation>('/reconciliation', { brand, period });
export const addReconciliationNote = (body: {
  brand: string;
  period: string;
  metric: string;
  currency: string;
  explanation: string;
}) => http.post<unknown>('/reconciliation/notes', body);
export const importReconciliationTotals = (csv: string) =>
  http.post<unknown>('/reconciliation/totals', { csv });
export const markPeriodFinal = (body: { brand: string; period: string }) =>
  http.post<unknown>('/ledger/periods/final', body);

// ---- FX rates ----
export const listFxRates = (q: {
  base?: string;
  quote?: string;
  from?: string;
  to?: string;
  limit?: number;
}) => http.get<{ items: FxRate[] }>('/fx-rates', q);
export const lookupFxRate = (q: { from: string; to: string; date: string; maxAgeDays?: number }) =>
  http.get<{ from: string; to: string; rate: string; date: string; source: string; derived: boolean }>(
    '/fx-rates/lookup',
    q,
  );
export const importFxRates = (csv: string) => http.postText<FxImportResult>('/fx-rates/import', csv);

// ---- deals ----
export const listDealTemplates = (q: { brandId?: string; segment?: Segment } = {}) =>
  http.get<{ items: DealTemplate[] }>('/deal-templates', q);
export const saveDealTemplate = (body: {
  brandId: string;
  segment: Segment;
  tier?: string;
  name: string;
  terms: Record<string, unknown>;
  legalText: string;
}) => http.post<DealTemplate>('/deal-templates', body);
export const simulate = (body: { deal: unknown; activity: string | unknown[] }) =>
  http.post<SimulationResult>('/simulations', body);
/** Partners whose name, e-mail or code matches (the back-test's partner picker). */
export const findPartners = (q: string) =>
  http.get<Page<Partner> & { total: number }>('/partners', { q, limit: 20 });
export const backtestPartner = (
  partnerId: string,
  body: { brand: string; from: string; to: string; deal: unknown },
) => http.post<BacktestResult>(`/partners/${enc(partnerId)}/backtests`, body);
