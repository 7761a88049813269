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
