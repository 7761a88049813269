/**
 * The notification events, their placeholders, the default templates shipped in code (an operator overrides
 * them in Settings → Notification templates) and sample data for previews. Pure data.
 */

export const NOTIFICATION_EVENTS = [
  'application_decision',
  'document_expiring',
  'contract_to_accept',
  'commission_hold',
  'payout_sent',
  'message_received',
  'claim_answered',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export function isNotificationEvent(s: string): s is NotificationEvent {
  return (NOTIFICATION_EVENTS as readonly string[]).includes(s);
}

/** Placeholders every event offers: the recipient's and the partner's names. */
const COMMON = ['recipientName', 'partnerName'] as const;

export interface EventDefinition {
  label: string;
  description: string;
  placeholders: readonly string[];
  subject: string;
  body: string;
  /** Values shown by the preview. */
  sample: Record<string, string>;
}

export const EVENT_DEFINITIONS: Record<NotificationEvent, EventDefinition> = {
  application_decision: {
    label: 'Application decision',
    description: 'A partner application was approved or rejected.',
    placeholders: [...COMMON, 'decision', 'reason'],
    subject: 'Your partner application was {decision}',
    body:
      'Hello {recipientName},\n\nThe application of {partnerName} was {decision}.\n{reason}\n\n' +
      'Sign in to Consort to see what happens next.',
    sample: { decision: 'approved', reason: '' },
  },
  document_expiring: {
    label: 'Document expiring',
    description: 'A vetting document expires soon (daily check).',
    placeholders: [...COMMON, 'documentType', 'expiresOn', 'daysLeft'],
    subject: 'A document of {partnerName} expires on {expiresOn}',
    body:
      'Hello {recipientName},\n\nThe {documentType} document of {partnerName} expires on {expiresOn} ' +
      '({daysLeft} days left). Upload a current one so commission and payouts are not interrupted.',
    sample: { documentType: 'proof of identity', expiresOn: '2026-12-01', daysLeft: '6' },
  },
  contract_to_accept: {
    label: 'Contract to accept',
    description: 'A contract version was issued and waits for the partner to accept it.',
    placeholders: [...COMMON, 'brandName', 'version', 'segments'],
    subject: 'Contract v{version} with {brandName} is ready to accept',
    body:
      'Hello {recipientName},\n\n{brandName} issued contract version {version} ({segments}) to {partnerName}. ' +
      'Read it and accept it in the partner portal.',
    sample: { brandName: 'Lucky Spins Casino', version: '2', segments: 'affiliate' },
  },
  commission_hold: {
    label: 'Commission held or released',
    description: 'Approved commission was put on hold until its hold date, or released from hold (payable).',
    placeholders: [...COMMON, 'change', 'lineCount', 'amounts', 'holdUntil'],
    subject: 'Commission {change}: {amounts}',
    body:
      'Hello {recipientName},\n\n{lineCount} commission line(s) of {partnerName} totalling {amounts} were {change}.\n' +
      'Held commission becomes payable after {holdUntil}; released commission is paid with the next payout.',
    sample: { change: 'released', lineCount: '3', amounts: '1250.00 EUR', holdUntil: '' },
  },
  payout_sent: {
    label: 'Payout sent',
    description: 'A payout was marked paid.',
    placeholders: [...COMMON, 'amount', 'reference'],
    subject: 'Payout sent: {amount}',
    body:
      'Hello {recipientName},\n\nA payout of {amount} to {partnerName} was sent (reference {reference}). ' +
      'Your statement is in the partner portal.',
    sample: { amount: '1250.00 EUR', reference: 'SEPA-2026-11-0042' },
  },
  message_received: {
    label: 'Message received',
    description: 'A new message in the thread between a partner and its partner manager.',
    placeholders: [...COMMON, 'senderName', 'preview'],
    subject: 'New message from {senderName}',
    body: 'Hello {recipientName},\n\n{senderName} wrote about {partnerName}:\n\n{preview}',
    sample: { senderName: 'Alex Manager', preview: 'Your new landing page is live.' },
  },
  claim_answered: {
    label: 'Claim answered',
    description: 'Staff answered a missing-commission claim.',
    placeholders: [...COMMON, 'claimReference', 'decision', 'response'],
    subject: 'Your commission claim {claimReference} was {decision}',
    body: 'Hello {recipientName},\n\nThe missing-commission claim {claimReference} of {partnerName} was {decision}.\n\n{response}',
    sample: { claimReference: 'customer C-1042', decision: 'accepted', response: 'Added to this period.' },
  },
};

/** Sample data for a preview: the event's sample plus names. */
export function sampleData(event: NotificationEvent): Record<string, string> {
  return { recipientName: 'Alex Example', partnerName: 'Maya Creator', ...EVENT_DEFINITIONS[event].sample };
}
