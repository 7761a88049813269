import type { LoginRole } from './api/types';

/**
 * Which login role reaches which page, mirroring docs/roles.md and the route guards of /api/v1. The UI only
 * hides what the API would refuse anyway (403/404); it never grants more.
 */
export const ACCESS = {
  overview: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  reports: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  partners: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  createPartner: ['admin', 'partner_manager'],
  audit: ['admin', 'compliance'],
  onboarding: ['admin', 'partner_manager', 'compliance'],
  changeStatus: ['admin', 'partner_manager', 'compliance'],
  assignManager: ['admin'],
  addNote: ['admin', 'partner_manager', 'compliance', 'finance'],
  readDocuments: ['admin', 'partner_manager', 'finance', 'compliance'],
  reviewDocuments: ['admin', 'compliance'],
  issueContracts: ['admin', 'partner_manager'],
  brands: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  editBrands: ['admin'],
  payoutSettings: ['admin', 'finance'],
  users: ['admin'],
  apiKeys: ['admin'],
  portal: ['partner'],
  money: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  payouts: ['admin', 'partner_manager', 'finance', 'compliance'],
  reconciliation: ['admin', 'finance', 'compliance', 'analyst'],
  deals: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  claims: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  triageClaims: ['admin', 'partner_manager', 'finance'],
  viewAsPartner: ['admin', 'partner_manager'],
  deliverables: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
  decideDeliverables: ['admin', 'partner_manager'],
  pauseTracking: ['admin', 'partner_manager', 'compliance'],
  manualAdjust: ['finance'],
  notificationTemplates: ['admin'],
  messages: ['admin', 'partner_manager'],
  tracking: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'],
} as const satisfies Record<string, readonly LoginRole[]>;

export type Area = keyof typeof ACCESS;

export function can(role: LoginRole, area: Area): boolean {
  return (ACCESS[area] as readonly LoginRole[]).includes(role);
}

export function homeOf(role: LoginRole): string {
  return role === 'partner' ? '/portal' : '/';
}
