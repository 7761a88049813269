import { minorDigits } from '../money/index.js';
import type { EventType } from '../platform/db/schema.js';
import type { FieldError } from '../platform/http/errors.js';

export const EVENT_TYPES: readonly EventType[] = [
  'registration',
  'ftd',
  'deposit',
  'purchase',
  'refund',
  'chargeback',
  'qualification',
];
export const EVENT_STATUSES = ['approved', 'pending', 'declined', 'chargeback', 'refunded', 'void'] as const;
const MONEY_EVENTS = new Set<EventType>(['ftd', 'deposit', 'purchase', 'refund', 'chargeback']);
const KNOWN = new Set([
  'brand',
  'event',
  'event_id',
  'customer_id',
  'click_id',
  'promo_code',
  'amount',
  'currency',
  'status',
  'occurred_at',
  'country',
  'timestamp',
  'signature',
]);
const ID = /^[\x21-\x7e]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?\d{1,15}(\.\d{1,8})?$/;

/** A postback after validation: amounts in minor units, unknown parameters kept as `extra`. */
export interface ParsedEvent {
  brand: string;
  type: EventType;
  externalId: string;
  customerExternalId: string;
  clickId: string | null;
  promoCode: string | null;
  /** Decimal string in major units as sent (currency added once the brand is known). */
  amountText: string | null;
  currency: string | null;
  status: string;
  occurredAt: Date | null;
  country: string | null;
  extra: Record<string, string>;
}

/**
 * Validates a postback's parameters (query or JSON body, every value a string or number). Each problem
 * names its field; nothing is written when any is found.
 */
export function parseEvent(
  input: Record<string, unknown>,
  where: 'querystring' | 'body',
): { kind: 'ok'; event: ParsedEvent } | { kind: 'invalid'; fields: FieldError[] } {
  const fields: FieldError[] = [];
  const str = (k: string): string | null => {
    const v = input[k];
    if (v === undefined || v === null || v === '') return null;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v !== 'string') {
      fields.push({ path: `/${k}`, message: 'must be a string', in: where });
      return null;
    }
    return v.trim();
  };
  const brand = str('brand');
  if (!brand) fields.push({ path: '/brand', message: 'is required (the brand code)', in: where });
  const type = str('event');
  if (!type) fields.push({ path: '/event', message: 'is required', in: where });
  else if (!EVENT_TYPES.includes(type as EventType))
    fields.push({ path: '/event', message: `must be one of ${EVENT_TYPES.join(', ')}`, in: where });
  const externalId = str('event_id');
  if (!externalId || !ID.test(externalId))
    fields.push({ path: '/event_id', message: 'is required: 1-128 printable characters', in: where });
  const customer = str('customer_id');
  if (!customer || !ID.test(customer))
    fields.push({ path: '/customer_id', message: 'is required: 1-128 printable characters', in: where });
  const clickId = str('click_id');
  if (clickId && !UUID.test(clickId))
    fields.push({ path: '/click_id', message: 'must be a click id (UUID)', in: where });
  const promoCode = str('promo_code');
  if (promoCode && !/^[A-Za-z0-9-]{3,32}$/.test(promoCode))
    fields.push({ path: '/promo_code', message: 'must be 3-32 letters, digits or dashes', in: where });
  const amount = str('amount');
  const currency = str('currency')?.toUpperCase() ?? null;
  if (currency) {
    try {
      minorDigits(currency);
    } catch {
      fields.push({ path: '/currency', message: 'is not an ISO 4217 currency', in: where });
    }
  }
  if (amount !== null) {
    if (!DECIMAL.test(amount) || amount.startsWith('-'))
      fields.push({ path: '/amount', message: 'must be a non-negative decimal, e.g. 25.50', in: where });
  } else if (type && MONEY_EVENTS.has(type as EventType)) {
    fields.push({ path: '/amount', message: `is required for ${type}`, in: where });
  }
  const status = str('status') ?? 'approved';
  if (!(EVENT_STATUSES as readonly string[]).includes(status))
    fields.push({ path: '/status', message: `must be one of ${EVENT_STATUSES.join(', ')}`, in: where });
  const occurredText = str('occurred_at');
  let occurredAt: Date | null = null;
  if (occurredText) {
    occurredAt = /^\d{9,11}$/.test(occurredText)
      ? new Date(Number(occurredText) * 1000)
      : new Date(occurredText);
    if (Number.isNaN(occurredAt.getTime()) || !/^\d{9,11}$|^\d{4}-\d{2}-\d{2}T/.test(occurredText))
      fields.push({
        path: '/occurred_at',
        message: 'must be an ISO 8601 date-time or Unix seconds',
        in: where,
      });
  }
  const country = str('country')?.toUpperCase() ?? null;
  if (country && !/^[A-Z]{2}$/.test(country))
    fields.push({ path: '/country', message: 'must be an ISO 3166-1 alpha-2 code', in: where });
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) {
    if (KNOWN.has(k)) continue;
    if (Object.keys(extra).length >= 50 || k.length > 64) continue;
    extra[k] = typeof v === 'string' ? v.slice(0, 500) : JSON.stringify(v).slice(0, 500);
  }
  if (fields.length > 0) return { kind: 'invalid', fields };
  return {
    kind: 'ok',
    event: {
      brand: brand!,
      type: type as EventType,
      externalId: externalId!,
      customerExternalId: customer!,
      clickId: clickId?.toLowerCase() ?? null,
      promoCode: promoCode?.toUpperCase() ?? null,
      amountText: amount,
      currency,
      status,
      occurredAt,
      country,
      extra,
    },
  };
}
