import type { LoginRole } from './api/types';

export const ROLE_LABELS: Record<LoginRole, string> = {
  admin: 'Admin',
  partner_manager: 'Partner manager',
  finance: 'Finance',
  compliance: 'Compliance',
  analyst: 'Analyst',
  partner: 'Partner',
};

export const SEGMENT_LABELS: Record<string, string> = {
  affiliate: 'Affiliate',
  ib: 'IB',
  ambassador: 'Ambassador',
  influencer: 'Influencer',
  integrator: 'Integrator',
  reseller: 'Reseller',
};

export const VERTICAL_LABELS: Record<string, string> = {
  igaming: 'iGaming',
  forex: 'Forex / CFD',
  prop: 'Prop trading',
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : '—';
}

export function label(map: Record<string, string>, key: string): string {
  return map[key] ?? key.replace(/_/g, ' ');
}

export const PARTNER_STATUSES = [
  'applied',
  'in_review',
  'approved',
  'rejected',
  'contracted',
  'active',
  'suspended',
  'terminated',
] as const;

export const STATUS_LABELS: Record<string, string> = {
  applied: 'Applied',
  in_review: 'In review',
  approved: 'Approved',
  rejected: 'Rejected',
  contracted: 'Contracted',
  active: 'Active',
  suspended: 'Suspended',
  terminated: 'Terminated',
};

/** Status colours of partner records; unknown statuses (added by later issues) stay neutral. */
export function statusColor(status: string): string {
  switch (status) {
    case 'active':
      return 'green';
    case 'approved':
    case 'contracted':
      return 'blue';
    case 'applied':
    case 'in_review':
      return 'yellow';
    case 'suspended':
    case 'rejected':
    case 'terminated':
      return 'red';
    default:
      return 'gray';
  }
}
