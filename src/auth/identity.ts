import type { LoginRole } from '../platform/config.js';

/** API key scopes. Operator keys: events, activity, reports. Partner keys: leads, reports (own data only). */
export const OPERATOR_SCOPES = ['events:write', 'activity:write', 'reports:read'] as const;
export const PARTNER_SCOPES = ['leads:write', 'reports:read'] as const;
export type Scope = (typeof OPERATOR_SCOPES)[number] | (typeof PARTNER_SCOPES)[number];
export const ALL_SCOPES: readonly Scope[] = [...new Set<Scope>([...OPERATOR_SCOPES, ...PARTNER_SCOPES])];

export type Identity =
  | {
      kind: 'user';
      userId: string;
      email: string;
      role: LoginRole;
      /** Set for role `partner`: the only partner whose data this user may see. */
      partnerId: string | null;
      sessionId: string;
      csrfToken: string;
      mfaPending: boolean;
      /**
       * Set while a staff user views a partner's portal (`X-Consort-View-As`): `role` is then `partner` and
       * `partnerId` the viewed partner, `userId` stays the staff user (audit), and every write is refused.
       */
      viewAs?: { grantId: string; staffRole: LoginRole };
    }
  | {
      kind: 'api_key';
      keyId: string;
      keyKind: 'operator' | 'partner';
      scopes: Scope[];
      /** Brands an operator key may act on; empty = all. */
      brandIds: string[];
      partnerId: string | null;
    };

/** What a route accepts. Every /api/v1 route declares one: there is no default access. */
export type RouteAuth =
  | { public: true }
  | {
      public?: false;
      /** Login roles allowed (session cookie). */
      roles?: readonly LoginRole[];
      /** API key scopes allowed (Bearer key); a key needs one of them. */
      scopes?: readonly Scope[];
      /** Reachable while a required second factor is not yet set up (enrolment routes only). */
      allowMfaPending?: boolean;
    };

export const STAFF_ROLES: readonly LoginRole[] = [
  'admin',
  'partner_manager',
  'finance',
  'compliance',
  'analyst',
];
