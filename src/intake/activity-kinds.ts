import type { FieldError } from '../platform/http/errors.js';

/** Activity kinds accepted by `/api/v1/activity/…` and `consort import activity --kind …`. */
export const ACTIVITY_KINDS = [
  'igaming-days',
  'trades',
  'prop-purchases',
  'prop-refunds',
  'funded-payouts',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

type ColType = 'id' | 'text' | 'money' | 'int' | 'date' | 'timestamp' | 'lots' | 'currency' | 'enum';

interface Col {
  /** CSV header and JSON field name. */
  name: string;
  type: ColType;
  required: boolean;
  values?: readonly string[];
  /** Staging column SQL type. */
  sql: string;
}

const C = (name: string, type: ColType, required: boolean, sql: string, values?: readonly string[]): Col => ({
  name,
  type,
  required,
  sql,
  ...(values ? { values } : {}),
});

/** Columns per kind, in CSV order; amounts are decimals in major units of the row's currency. */
export const ACTIVITY_COLUMNS: Record<ActivityKind, readonly Col[]> = {
  'igaming-days': [
    C('customer_id', 'id', true, 'text'),
    C('date', 'date', true, 'date'),
    C('currency', 'currency', true, 'text'),
    C('stakes', 'money', true, 'int8'),
    C('wins', 'money', true, 'int8'),
    C('bonuses', 'money', false, 'int8'),
    C('jackpot_contributions', 'money', false, 'int8'),
    C('gaming_tax', 'money', false, 'int8'),
    C('payment_fees', 'money', false, 'int8'),
    C('chargebacks', 'money', false, 'int8'),
    C('admin_fee', 'money', false, 'int8'),
    C('deposits', 'money', false, 'int8'),
    C('bets', 'int', false, 'int4'),
  ],
  trades: [
    C('trade_id', 'id', true, 'text'),
    C('customer_id', 'id', true, 'text'),
    C('symbol', 'text', true, 'text'),
    C('instrument_class', 'text', true, 'text'),
    C('account_type', 'text', true, 'text'),
    C('side', 'enum', true, 'text', ['buy', 'sell']),
    C('lots', 'lots', true, 'numeric'),
    C('opened_at', 'timestamp', true, 'timestamptz'),
    C('closed_at', 'timestamp', true, 'timestamptz'),
    C('currency', 'currency', true, 'text'),
    C('spread_per_lot', 'money', false, 'int8'),
    C('markup_per_lot', 'money', false, 'int8'),
    C('commission', 'money', false, 'int8'),
    C('equity', 'money', false, 'int8'),
    C('credit', 'money', false, 'int8'),
  ],
  'prop-purchases': [
    C('purchase_id', 'id', true, 'text'),
    C('customer_id', 'id', true, 'text'),
    C('date', 'date', true, 'date'),
    C('currency', 'currency', true, 'text'),
    C('amount_paid', 'money', true, 'int8'),
    C('list_price', 'money', true, 'int8'),
    C('purchase_kind', 'enum', true, 'text', ['first', 'reset', 'retake', 'subscription']),
    C('promo_code', 'text', false, 'text'),
  ],
  'prop-refunds': [
    C('refund_id', 'id', true, 'text'),
    C('purchase_id', 'id', true, 'text'),
    C('customer_id', 'id', true, 'text'),
    C('date', 'date', true, 'date'),
    C('currency', 'currency', true, 'text'),
    C('amount', 'money', true, 'int8'),
    C('reason', 'enum', true, 'text', ['refund', 'chargeback']),
  ],
  'funded-payouts': [
    C('payout_id', 'id', true, 'text'),
    C('customer_id', 'id', true, 'text'),
    C('date', 'date', true, 'date'),
    C('currency', 'currency', true, 'text'),
    C('amount', 'money', true, 'int8'),
  ],
};

/** Minor-unit digits of the currencies activity may use (ISO 4217). */
const DIGITS: Record<string, number> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };
const CURRENCY = /^[A-Z]{3}$/;
const ID = /^[\x21-\x7e]{1,128}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const LOTS = /^\d{1,10}(\.\d{1,4})?$/;

/**
 * A decimal in major units (`-?\d{1,15}(\.\d{1,3})?`, at most `digits` decimals) as minor units without
 * leading zeros, or undefined. A scan of the characters: this runs for every amount of large imports.
 */
function toMinor(text: string, digits: number): string | undefined {
  const n = text.length;
  const neg = text.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  if (intEnd === intStart || intEnd - intStart > 15) return undefined;
  let frac = '';
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return undefined;
    const fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i < n || i === fracStart || i - fracStart > 3 || i - fracStart > digits) return undefined;
    frac = text.slice(fracStart);
  }
  let z = intStart;
  while (z < intEnd - 1 && text.charCodeAt(z) === 48) z++;
  let s = text.slice(z, intEnd) + frac;
  for (let k = frac.length; k < digits; k++) s += '0';
  if (s.charCodeAt(0) === 48 && s.length > 1) {
    // "0.05" → "005" → "5"
    let k = 0;
    while (k < s.length - 1 && s.charCodeAt(k) === 48) k++;
    s = s.slice(k);
  }
  return neg && s !== '0' ? `-${s}` : s;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Validates one row (values by column name) into staging values (text, amounts in minor units) or the
 * list of its field errors (paths `/rows/<n>/<column>`).
 */
export function validateActivityRow(
  kind: ActivityKind,
  get: (name: string) => string | undefined,
  rowPath: string,
): ActivityRowResult {
  const cols = ACTIVITY_COLUMNS[kind];
  return validateActivityRecord(
    kind,
    cols.map((c) => get(c.name)),
    IDENTITY[kind],
    rowPath,
  );
}

export type ActivityRowResult = { ok: true; values: (string | null)[] } | { ok: false; errors: FieldError[] };

const IDENTITY = Object.fromEntries(
  ACTIVITY_KINDS.map((k) => [k, ACTIVITY_COLUMNS[k].map((_c, i) => i)]),
) as Record<ActivityKind, number[]>;

/**
 * The same check on a parsed CSV record: `index[i]` is the record position of column i (-1: absent).
 * No per-row lookups by name; each timestamp is parsed once.
 */
export function validateActivityRecord(
  kind: ActivityKind,
  record: readonly (string | undefined)[],
  index: readonly number[],
  rowPath: string,
): ActivityRowResult {
  const cols = ACTIVITY_COLUMNS[kind];
  const errors: FieldError[] = [];
  const values: (string | null)[] = new Array(cols.length);
  const ci = CURRENCY_INDEX[kind];
  const currency = (index[ci] ?? -1) < 0 ? '' : (record[index[ci]!]?.trim().toUpperCase() ?? '');
  const digits = DIGITS[currency] ?? 2;
  let opened = Number.NaN;
  let closed = Number.NaN;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    const j = index[i]!;
    const raw = j < 0 ? undefined : record[j];
    const v = raw === undefined ? '' : raw.trim();
    if (v === '') {
      if (c.required) errors.push({ path: `${rowPath}/${c.name}`, message: 'is required' });
      values[i] = null;
      continue;
    }
    let out: string | undefined = v;
    let msg = '';
    switch (c.type) {
      case 'id':
        if (!ID.test(v)) msg = 'must be 1-128 printable characters';
        break;
      case 'text':
        if (v.length > 64) msg = 'must be at most 64 characters';
        break;
      case 'currency':
        out = v.toUpperCase();
        if (!CURRENCY.test(out)) msg = 'must be an ISO 4217 code';
        break;
      case 'money':
        out = toMinor(v, digits);
        if (out === undefined) msg = `must be a decimal with at most ${digits} decimals`;
        break;
      case 'int':
        if (!INT.test(v)) msg = 'must be a whole number';
        break;
      case 'date':
        if (!DATE.test(v) || Number.isNaN(Date.parse(v))) msg = 'must be a date YYYY-MM-DD';
        break;
      case 'timestamp': {
        const at = TS.test(v) ? Date.parse(v) : Number.NaN;
        if (Number.isNaN(at)) msg = 'must be an ISO 8601 date-time with a zone';
        else if (c.name === 'opened_at') opened = at;
        else if (c.name === 'closed_at') closed = at;
        break;
      }
      case 'lots':
        if (!LOTS.test(v) || ZERO_LOTS.test(v)) msg = 'must be a positive decimal with at most 4 decimals';
        break;
      case 'enum':
        if (!c.values!.includes(v)) msg = `must be one of ${c.values!.join(', ')}`;
        break;
    }
    if (msg) errors.push({ path: `${rowPath}/${c.name}`, message: msg });
    values[i] = out ?? null;
  }
  if (kind === 'trades' && errors.length === 0 && closed < opened)
    errors.push({ path: `${rowPath}/closed_at`, message: 'is before opened_at' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}

const INT = /^\d{1,9}$/;
const ZERO_LOTS = /^0+(\.0+)?$/;
const CURRENCY_INDEX = Object.fromEntries(
  ACTIVITY_KINDS.map((k) => [k, ACTIVITY_COLUMNS[k].findIndex((c) => c.name === 'currency')]),
) as Record<ActivityKind, number>;
