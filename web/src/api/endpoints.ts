/**
 * Every API call the web app makes, in one place. test/web/api-contract.test.ts reads this file and checks
 * that each method and path exists in the server's OpenAPI document, so the UI adds no private back doors.
 */
import { http } from './client';
import type {
  ApiKey,
  AttentionItem,
  AuditRecord,
  Brand,
  Contract,
  LoginRole,
  NpsSurvey,
  Page,
  Partner,
  PartnerDetail,
  PartnerDocument,
  PromoCode,
  Segment,
  Session,
  SubPartner,
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
