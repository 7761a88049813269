/**
 * Every API call the web app makes, in one place. test/web/api-contract.test.ts reads this file and checks
 * that each method and path exists in the server's OpenAPI document, so the UI adds no private back doors.
 */
import { http } from './client';
import type { ReportDefinition, SavedReport } from './types';
import type {
  AppNotification,
  Message,
  MessageThread,
  NotificationEvent,
  NotificationPreference,
  NotificationTemplate,
} from './types';
import type {
  Amount,
  BalanceSummary,
  BulkResult,
  CountryRow,
  CustomerEvent,
  CustomerStatus,
  IbVolumeRow,
  NpsItem,
  OverlapRow,
  PartnerNote,
  PortalCustomer,
  PortalPostbackDelivery,
  Postback,
  StaffPostback,
  StaffPostbackDelivery,
  SubPartnerTotal,
  TrackingAsset,
} from './portal-pages-types';
import type {
  ApiKey,
  Claim,
  ClaimState,
  StaffClaim,
  ViewAsGrant,
  AttentionItem,
  AuditRecord,
  BacktestResult,
  Deliverable,
  DeliverableInput,
  Balance,
  Brand,
  LedgerSettings,
  LedgerSettingsChange,
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
  PayoutBatchSummary,
  PortalPayout,
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
/** A brand's ledger and payout settings (admin, finance); the defaults when none were set. */
export const getLedgerSettings = (brandId: string) =>
  http.get<LedgerSettings>(`/brands/${enc(brandId)}/ledger-settings`);
export const updateLedgerSettings = (brandId: string, body: LedgerSettingsChange) =>
  http.put<LedgerSettings>(`/brands/${enc(brandId)}/ledger-settings`, body);

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

// ---- public application form (no login) ----
export interface ApplicationFormField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'url' | 'email' | 'select' | 'boolean';
  required: boolean;
  options?: string[];
  maxLength?: number;
}
export interface ApplicationForm {
  brand: { code: string; name: string; vertical: string };
  segments: Record<string, ApplicationFormField[]>;
  formToken: string;
  minFillSeconds: number;
}
export const getApplicationForm = (brandCode: string) =>
  http.get<ApplicationForm>(`/public/brands/${enc(brandCode)}/application-form`);
export const submitApplication = (
  brandCode: string,
  body: {
    displayName: string;
    email: string;
    password: string;
    segments: Segment[];
    formToken: string;
    country?: string;
    website?: string;
    customFields?: Record<string, Record<string, string | number | boolean>>;
    homepage?: string;
  },
) =>
  http.post<{ applicationReceived: boolean; partnerId: string }>(
    `/public/brands/${enc(brandCode)}/applications`,
    body,
  );

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
/** The signed-in user's saved reports; saving under an existing name replaces that report. */
export const listSavedReports = () => http.get<{ items: SavedReport[] }>('/saved-reports');
export const saveReport = (body: { name: string; definition: ReportDefinition }) =>
  http.post<SavedReport>('/saved-reports', body);
export const deleteSavedReport = (id: string) => http.delete<void>(`/saved-reports/${enc(id)}`);
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
/** What a close did: `closed` (lines booked), `adjusted` (late data booked in the next open period) or `unchanged`. */
export interface CloseOutcome {
  kind: 'closed' | 'adjusted' | 'unchanged';
  brand: string;
  period: string;
  bookedPeriod: string | null;
  rows: number;
  lines: number;
  /** Per currency, in minor units. */
  totals: { currency: string; amount: string }[];
}
export const closePeriod = (body: { brand: string; period: string }) =>
  http.post<CloseOutcome>('/ledger/close', body);

// ---- payouts ----
export const createPayoutBatch = (body: { brandId: string; payDate: string }) =>
  http.post<{ id?: string; batchId?: string; [k: string]: unknown }>('/payout-batches', body);
export const getPayoutBatch = (id: string) => http.get<PayoutBatch>(`/payout-batches/${enc(id)}`);
export const listPayoutBatches = (q: {
  brandId?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}) => http.get<{ items: PayoutBatchSummary[]; total: number }>('/payout-batches', { ...q });
export const listPortalPayouts = (q: { limit?: number; offset?: number } = {}) =>
  http.get<{ items: PortalPayout[]; total: number }>('/portal/payouts', { ...q });
/** Staff: a partner's payouts as the partner sees them. */
export const listPartnerPayouts = (partnerId: string, q: { limit?: number; offset?: number } = {}) =>
  http.get<{ items: PortalPayout[]; total: number }>(`/partners/${enc(partnerId)}/payouts`, { ...q });
export const approvePayoutBatch = (id: string) => http.post<unknown>(`/payout-batches/${enc(id)}/approve`);
/** The export answers with the file itself (CSV or pain.001 XML), not JSON. */
export const exportPayoutBatch = (id: string, format: 'csv' | 'pain001') =>
  http.postFile(`/payout-batches/${enc(id)}/export`, { format });
export const settlePayoutLine = (
  id: string,
  body: { outcome: 'paid'; reference: string } | { outcome: 'failed'; reason: string },
) => http.post<unknown>(`/payout-lines/${enc(id)}/settle`, body);

export interface PaymentMethodView {
  kind: string;
  currency: string;
  details: Record<string, string>;
  usableFrom: string;
  [k: string]: unknown;
}
export const getPaymentMethod = (partnerId: string) =>
  http.get<{ method: PaymentMethodView | null }>(`/partners/${enc(partnerId)}/payment-method`);
export const setPaymentMethod = (
  partnerId: string,
  body: { kind: 'bank' | 'crypto' | 'ewallet'; currency: string; details: Record<string, string> },
) => http.put<PaymentMethodView>(`/partners/${enc(partnerId)}/payment-method`, body);

// ---- statements ----
export const listStatements = (partnerId?: string) =>
  http.get<{ items: StatementSummary[] }>('/statements', { partnerId });
export const issueStatement = (body: { brandId: string; partnerId: string; period: string }) =>
  http.post<{ id: string; sha256: string }>('/statements', body);
export const verifyStatement = (id: string) =>
  http.get<StatementVerification>(`/statements/${enc(id)}/verify`);
/** A download link (same-origin GET with the session cookie): the sealed statement as HTML or CSV. */
export const statementUrl = (id: string, format: 'html' | 'csv' | 'pdf') =>
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

// ---- notifications (own), preferences, templates (admin) ----
export const listNotifications = (q: { unread?: boolean; limit?: number } = {}) =>
  http.get<{ items: AppNotification[]; unread: number }>('/notifications', q);
export const getUnreadNotificationCount = () => http.get<{ unread: number }>('/notifications/unread-count');
export const markNotificationRead = (id: string) =>
  http.post<AppNotification>(`/notifications/${enc(id)}/read`);
export const markAllNotificationsRead = () => http.post<{ marked: number }>('/notifications/read-all');
export const getNotificationPreferences = () =>
  http.get<{ items: NotificationPreference[] }>('/notification-preferences');
export const saveNotificationPreferences = (
  items: Array<{ event: NotificationEvent; inApp: boolean; email: boolean }>,
) => http.put<{ items: NotificationPreference[] }>('/notification-preferences', { items });
export const listNotificationTemplates = () =>
  http.get<{ items: NotificationTemplate[] }>('/notification-templates');
export const saveNotificationTemplate = (event: NotificationEvent, body: { subject: string; body: string }) =>
  http.put<NotificationTemplate>(`/notification-templates/${enc(event)}`, body);
export const resetNotificationTemplate = (event: NotificationEvent) =>
  http.delete<NotificationTemplate>(`/notification-templates/${enc(event)}`);
export const previewNotificationTemplate = (
  event: NotificationEvent,
  body: { subject: string; body: string },
) =>
  http.post<{ subject: string; body: string; sample: Record<string, string> }>(
    `/notification-templates/${enc(event)}/preview`,
    body,
  );

// ---- messages between a partner and its partner manager ----
export const getPartnerMessages = (partnerId: string) =>
  http.get<MessageThread>(`/partners/${enc(partnerId)}/messages`);
export const sendPartnerMessage = (partnerId: string, body: string) =>
  http.post<Message>(`/partners/${enc(partnerId)}/messages`, { body });
export const markPartnerMessagesRead = (partnerId: string) =>
  http.post<{ marked: number }>(`/partners/${enc(partnerId)}/messages/read`);
export const getPortalMessages = () => http.get<MessageThread>('/portal/messages');
export const sendPortalMessage = (body: string) => http.post<Message>('/portal/messages', { body });
export const markPortalMessagesRead = () => http.post<{ marked: number }>('/portal/messages/read');
/** Partners whose name, e-mail or code matches (the back-test's partner picker). */
export const findPartners = (q: string) =>
  http.get<Page<Partner> & { total: number }>('/partners', { q, limit: 20 });
export const backtestPartner = (
  partnerId: string,
  body: { brand: string; from: string; to: string; deal: unknown },
) => http.post<BacktestResult>(`/partners/${enc(partnerId)}/backtests`, body);

// ---- portal pages: customers, balance, sub-partners, reports, postbacks, NPS ----
export const listPortalCustomers = (q: {
  status?: CustomerStatus | undefined;
  limit?: number;
  offset?: number;
}) => http.get<{ items: PortalCustomer[]; total: number }>('/portal/customers', { ...q });
export const getPortalCustomerEvents = (publicId: string) =>
  http.get<{ publicId: string; items: CustomerEvent[] }>(`/portal/customers/${enc(publicId)}/events`);
export const getPortalBalance = () => http.get<BalanceSummary>('/portal/balance');
export const getPortalSubPartners = () => http.get<Page<SubPartner>>('/portal/sub-partners');
export const getPortalSubPartnerTotals = (q: { from: string; to: string }) =>
  http.get<{ from: string; to: string; items: SubPartnerTotal[] }>('/portal/sub-partners/totals', q);
export const getPortalOverrideEarnings = (q: { from: string; to: string }) =>
  http.get<{ items: Array<{ partnerId: string; displayName: string; earnings: Amount[] }> }>(
    '/portal/sub-partners/earnings',
    q,
  );
export type PortalGroupBy = 'date' | 'week' | 'month' | 'brand' | 'segment' | 'link' | 'sub_id';
export const getPortalBreakdown = (q: {
  from: string;
  to: string;
  groupBy: PortalGroupBy;
  columns?: string;
}) => http.get<Breakdown>('/portal/reports/breakdown', { ...q });
export const exportPortalBreakdownCsv = (q: {
  from: string;
  to: string;
  groupBy: PortalGroupBy;
  columns?: string;
}) => http.getFile('/portal/reports/breakdown', { ...q, format: 'csv' });
export const getPortalIbVolume = (q: { from: string; to: string; groupBy: 'date' | 'month' | 'sub_ib' }) =>
  http.get<{ rows: IbVolumeRow[] }>('/portal/reports/ib-volume', q);
export const exportPortalIbVolumeCsv = (q: {
  from: string;
  to: string;
  groupBy: 'date' | 'month' | 'sub_ib';
}) => http.getFile('/portal/reports/ib-volume', { ...q, format: 'csv' });
export const getPortalCountries = (q: { from: string; to: string }) =>
  http.get<{ rows: CountryRow[] }>('/portal/reports/countries', q);
export const exportPortalCountriesCsv = (q: { from: string; to: string }) =>
  http.getFile('/portal/reports/countries', { ...q, format: 'csv' });
export const listPortalPostbacks = () => http.get<Page<Postback>>('/portal/postbacks');
export const createPortalPostback = (body: { eventType: string; url: string; brandId?: string }) =>
  http.post<Postback>('/portal/postbacks', body);
export const updatePortalPostback = (id: string, body: { enabled?: boolean; url?: string }) =>
  http.patch<Postback>(`/portal/postbacks/${enc(id)}`, body);
export const listPortalPostbackDeliveries = () =>
  http.get<Page<PortalPostbackDelivery>>('/portal/postback-deliveries', { limit: 100 });
export const listPortalNps = () => http.get<Page<NpsItem>>('/portal/nps');
export const answerPortalNps = (id: string, score: number, comment?: string) =>
  http.post<{ surveyId: string; score: number }>(`/portal/nps/${enc(id)}/answer`, {
    score,
    ...(comment ? { comment } : {}),
  });

// ---- staff: Tracking page, partner tabs, bulk actions ----
export const listTrackingAssets = (q: {
  kind?: 'link' | 'code' | undefined;
  partnerId?: string | undefined;
  brandId?: string | undefined;
  status?: 'active' | 'paused' | undefined;
  q?: string | undefined;
  limit?: number;
  offset?: number;
}) => http.get<{ items: TrackingAsset[]; total: number }>('/tracking/assets', { ...q });
export const listStaffPostbacks = (failing?: boolean) =>
  http.get<Page<StaffPostback>>('/tracking/postbacks', { failing });
export const listStaffDeliveries = (status?: string) =>
  http.get<Page<StaffPostbackDelivery>>('/tracking/postback-deliveries', { status });
export const listTrackingOverlaps = (q: { from?: string; to?: string; brandId?: string } = {}) =>
  http.get<{ items: OverlapRow[]; totals: { claims: number; customers: number; wouldHaveCost: Amount[] } }>(
    '/tracking/overlaps',
    q,
  );
export const listPartnerCustomers = (id: string, q: { status?: CustomerStatus | undefined } = {}) =>
  http.get<{ items: PortalCustomer[]; total: number }>(`/partners/${enc(id)}/customers`, { ...q });
export const getPartnerCustomerEvents = (id: string, publicId: string) =>
  http.get<{ publicId: string; items: CustomerEvent[] }>(
    `/partners/${enc(id)}/customers/${enc(publicId)}/events`,
  );
export const getSubPartnerTotals = (id: string, q: { from: string; to: string }) =>
  http.get<{ items: SubPartnerTotal[] }>(`/partners/${enc(id)}/sub-partner-totals`, q);
export const listPartnerNotes = (id: string) => http.get<Page<PartnerNote>>(`/partners/${enc(id)}/notes`);
export const markReminderDone = (id: string, noteId: string) =>
  http.post<PartnerNote>(`/partners/${enc(id)}/notes/${enc(noteId)}/done`);
export const bulkAssignManager = (partnerIds: string[], managerUserId: string | null, reason?: string) =>
  http.post<BulkResult>('/partners/bulk/manager', {
    partnerIds,
    managerUserId,
    ...(reason ? { reason } : {}),
  });
export const bulkTagPartners = (partnerIds: string[], add: string[], remove: string[] = []) =>
  http.post<BulkResult>('/partners/bulk/tags', {
    partnerIds,
    ...(add.length ? { add } : {}),
    ...(remove.length ? { remove } : {}),
  });

// ---- deliverables (flat fees per video, post, appearance) ----
export const listDeliverables = (
  q: { status?: Deliverable['status'] | undefined; partnerId?: string } = {},
) => http.get<{ items: Deliverable[]; total: number }>('/deliverables', { ...q, limit: 200 });
export const decideDeliverable = (id: string, body: { decision: 'approve' | 'reject'; reason?: string }) =>
  http.post<Deliverable>(`/deliverables/${enc(id)}/decision`, body);
export const recordDeliverable = (partnerId: string, body: DeliverableInput) =>
  http.post<Deliverable & { duplicate: boolean }>(`/partners/${enc(partnerId)}/deliverables`, body);
export const listPortalDeliverables = () =>
  http.get<{ items: Deliverable[]; total: number }>('/portal/deliverables', { limit: 200 });
export const submitDeliverable = (body: DeliverableInput) =>
  http.post<Deliverable & { duplicate: boolean }>('/portal/deliverables', body);
/** The partner's brand programs (names for the portal's brand pickers). */
export const listPortalBrands = () =>
  http.get<{
    items: { id: string; code: string; name: string; vertical: string; currency: string; joinedAt: string }[];
  }>('/portal/brands');

// ---- missing-commission claims ----
export const listPortalClaims = () =>
  http.get<{
    items: Claim[];
    brands: { id: string; name: string; currency: string }[];
    responseDays: number;
  }>('/portal/claims');
export const fileClaim = (body: {
  brandId?: string;
  customerRef: string;
  expectedAmount: string;
  currency: string;
  reason: string;
  period?: string;
}) => http.post<Claim>('/portal/claims', body);
export const listClaims = (q: { partnerId?: string; state?: ClaimState; open?: boolean } = {}) =>
  http.get<{ items: StaffClaim[] }>('/claims', q);
export const reviewClaim = (id: string) => http.post<StaffClaim>(`/claims/${enc(id)}/review`, {});
export const acceptClaim = (id: string, body: { amount: string; response?: string }) =>
  http.post<StaffClaim>(`/claims/${enc(id)}/accept`, body);
export const rejectClaim = (id: string, response: string) =>
  http.post<StaffClaim>(`/claims/${enc(id)}/reject`, { response });

// ---- view as partner (read-only portal under a banner) ----
export const startViewAs = (partnerId: string) =>
  http.post<ViewAsGrant>(`/partners/${enc(partnerId)}/view-as`, {});
export const endViewAs = (grantId: string) => http.delete<void>(`/view-as/${enc(grantId)}`);

// ---- pausing links and promo codes ----
type AssetStatusBody = { status: 'active' | 'paused'; reason?: string };
export const setLinkStatus = (id: string, body: AssetStatusBody) =>
  http.patch<{ id: string; status: string }>(`/links/${enc(id)}`, body);
export const setPromoCodeStatus = (id: string, body: AssetStatusBody) =>
  http.patch<{ id: string; status: string }>(`/promo-codes/${enc(id)}`, body);
export const setPortalLinkStatus = (id: string, body: { status: 'active' | 'paused' }) =>
  http.patch<{ id: string; status: string }>(`/portal/links/${enc(id)}`, body);

/** Finance: a manual adjustment line for a partner (signed amount, reason; booked pending). */
export const bookManualAdjustment = (
  partnerId: string,
  body: { brandId: string; amount: string; currency: string; reason: string },
) =>
  http.post<{ id: string; amount: string; currency: string; bookedIn: string }>(
    `/partners/${enc(partnerId)}/adjustments`,
    body,
  );
