/**
 * Every API call the web app makes, in one place. test/web/api-contract.test.ts reads this file and checks
 * that each method and path exists in the server's OpenAPI document, so the UI adds no private back doors.
 */
import { http } from './client';
import type {
  ApiKey,
  AuditRecord,
  Brand,
  LoginRole,
  Page,
  Partner,
  Segment,
  Session,
  User,
  Verification,
  VerificationRun,
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
export const getPartner = (id: string) => http.get<Partner>(`/partners/${enc(id)}`);
export const createPartner = (body: {
  displayName: string;
  email?: string;
  country?: string;
  segments: Segment[];
  managerUserId?: string;
}) => http.post<Partner>('/partners', body);

// ---- partner portal ----
export const getPortalProfile = () => http.get<Partner>('/portal/profile');

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
