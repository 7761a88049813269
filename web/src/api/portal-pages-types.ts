/** Types of the portal pages and the staff Tracking page (src/partners/portal-pages-routes.ts, src/tracking/staff-tracking-routes.ts). */
export interface Amount {
  currency: string;
  amountMinor: string;
}

export type CustomerStatus = 'registered' | 'ftd' | 'active' | 'qualified';

export interface PortalCustomer {
  publicId: string;
  brandId: string;
  brandName: string;
  segment: string | null;
  linkCode: string | null;
  subId: string | null;
  source: string;
  registeredAt: string | null;
  firstDepositAt: string | null;
  lastActivityAt: string | null;
  status: CustomerStatus;
  ftd: boolean;
  active: boolean;
  qualified: boolean;
}

export interface CustomerEvent {
  type: string;
  status: string;
  occurredAt: string;
  amountMinor: string | null;
  currency: string | null;
}

export interface BalanceSummary {
  balances: Array<{
    currency: string;
    pendingMinor: string;
    approvedMinor: string;
    payableMinor: string;
    inPayoutMinor: string;
  }>;
  payouts: Array<{
    brandId: string;
    brandName: string;
    currency: string;
    thresholdMinor: string;
    schedule: string;
    netDays: number;
    nextPayoutDate: string;
  }>;
}

export interface SubPartnerTotal {
  partnerId: string;
  displayName: string;
  brandId: string;
  parentPartnerId: string;
  depth: number;
  status: string;
  clicks: number;
  registrations: number;
  ftds: number;
  revenue: Amount[];
  commission: Amount[];
}

export interface IbVolumeRow {
  key: string;
  label: string;
  lots: string;
  trades: number;
  subIbLots: string;
  subIbTrades: number;
}

export interface CountryRow {
  country: string;
  registrations: number;
  ftds: number;
  firstDeposits: Amount[];
}

export interface Postback {
  id: string;
  eventType: string;
  url: string;
  brandId: string | null;
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
}

/** One postback delivery as both delivery logs answer it (camelCase, the same fields on both). */
export interface PostbackDelivery {
  id: string;
  postbackId: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** GET /tracking/postback-deliveries: a delivery and whose postback it was. */
export interface StaffPostbackDelivery extends PostbackDelivery {
  partnerId: string;
  partnerName: string;
}

/** GET /portal/postback-deliveries: the partner's own delivery and the (Consort) event it reported. */
export interface PortalPostbackDelivery extends PostbackDelivery {
  eventId: string;
  eventVersion: number;
}

export interface NpsItem {
  id: string;
  question: string;
  answered: boolean;
  score: number | null;
}

export interface TrackingAsset {
  id: string;
  kind: 'link' | 'code';
  code: string;
  name: string;
  linkKind: string | null;
  partnerId: string;
  partnerName: string;
  brandId: string;
  brandName: string;
  segment: string;
  status: string;
  subIds: Record<string, string>;
  createdAt: string;
}

export interface StaffPostback extends Postback {
  partnerId: string;
  partnerName: string;
  deliveries: number;
  failedDeliveries: number;
  lastDeliveryAt: string | null;
}

export interface OverlapRow {
  id: string;
  customerPublicId: string;
  brandId: string;
  brandName: string;
  ownerPartnerId: string | null;
  ownerPartnerName: string | null;
  ownerSegment: string | null;
  competingPartnerId: string;
  competingPartnerName: string;
  competingSegment: string;
  source: string;
  detectedAt: string;
  wouldHaveCost: Amount[];
}

export interface PartnerNote {
  id: string;
  body: string;
  remindOn: string | null;
  doneAt: string | null;
  authorUserId: string | null;
  createdAt: string;
}

export interface BulkResult {
  updated: number;
  items: Array<{ partnerId: string; displayName: string; managerUserId: string | null; tags: string[] }>;
}
