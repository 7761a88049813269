import { parse as parseCsv } from 'csv-parse/sync';
import { SEGMENTS, type Segment } from '../deals/index.js';
import { isCurrency, parseDecimal, parseMoney } from '../money/index.js';
import type { ActivityRow } from './types.js';

export interface ActivityParseError {
  /** 1-based record number (CSV data line or JSON array index + 1). */
  readonly record: number;
  readonly field: string;
  readonly message: string;
}

export type ParseActivityResult =
  | { ok: true; rows: ActivityRow[] }
  | { ok: false; errors: ActivityParseError[] };

/**
 * Parses activity for the simulator from CSV (a header row naming the fields) or JSON (an array of
 * objects). Money fields are major-unit decimal strings in the row's `currency` ("12.50"); times are ISO
 * 8601; `type` is one of igaming_day, trade, prop_purchase, prop_refund, prop_payout, deliverable.
 */
export function parseActivity(text: string, format: 'csv' | 'json'): ParseActivityResult {
  let records: Record<string, unknown>[];
  try {
    if (format === 'json') {
      const data: unknown = JSON.parse(text);
      if (!Array.isArray(data))
        return {
          ok: false,
          errors: [{ record: 0, field: '', message: 'expected a JSON array of activity rows' }],
        };
      records = data as Record<string, unknown>[];
    } else {
      records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<
        string,
        unknown
      >[];
    }
  } catch (e) {
    return {
      ok: false,
      errors: [{ record: 0, field: '', message: `cannot parse ${format}: ${(e as Error).message}` }],
    };
  }
  const rows: ActivityRow[] = [];
  const errors: ActivityParseError[] = [];
  records.forEach((rec, i) => {
    const r = new RecordReader(rec, i + 1, errors);
    const type = r.str('type');
    switch (type) {
      case 'igaming_day': {
        const currency = r.currency();
        rows.push({
          type,
          brandId: r.str('brandId'),
          customerId: r.str('customerId'),
          date: r.date('date'),
          currency,
          stakes: r.money('stakes', currency),
          wins: r.money('wins', currency),
          bonuses: r.money('bonuses', currency, true),
          jackpotContributions: r.money('jackpotContributions', currency, true),
          gamingTax: r.money('gamingTax', currency, true),
          paymentFees: r.money('paymentFees', currency, true),
          chargebacks: r.money('chargebacks', currency, true),
          adminFee: r.money('adminFee', currency, true),
          deposits: r.money('deposits', currency, true),
          bets: r.int('bets', true),
        });
        break;
      }
      case 'trade': {
        const currency = r.currency();
        const side = r.str('side');
        if (side !== 'buy' && side !== 'sell') r.fail('side', 'must be buy or sell');
        rows.push({
          type,
          brandId: r.str('brandId'),
          customerId: r.str('customerId'),
          tradeId: r.str('tradeId'),
          symbol: r.str('symbol'),
          instrumentClass: r.str('instrumentClass'),
          accountType: r.opt('accountType') ?? 'standard',
          side: side === 'sell' ? 'sell' : 'buy',
          lots: r.lots('lots'),
          openedAt: r.instant('openedAt'),
          closedAt: r.instant('closedAt'),
          currency,
          ...optionalMoney(r, currency, ['spreadPerLot', 'markupPerLot', 'equity', 'credit']),
        });
        break;
      }
      case 'prop_purchase': {
        const currency = r.currency();
        const kind = r.opt('purchaseKind') ?? 'first';
        if (!['first', 'reset', 'retake', 'subscription'].includes(kind))
          r.fail('purchaseKind', 'must be first, reset, retake or subscription');
        const amountPaid = r.money('amountPaid', currency);
        rows.push({
          type,
          brandId: r.str('brandId'),
          customerId: r.str('customerId'),
          purchaseId: r.str('purchaseId'),
          date: r.date('date'),
          currency,
          amountPaid,
          listPrice: r.has('listPrice') ? r.money('listPrice', currency) : amountPaid,
          purchaseKind: kind as 'first',
        });
        break;
      }
      case 'prop_refund': {
        const currency = r.currency();
        const reason = r.opt('reason') ?? 'refund';
        if (reason !== 'refund' && reason !== 'chargeback') r.fail('reason', 'must be refund or chargeback');
        rows.push({
          type,
          brandId: r.str('brandId'),
          customerId: r.str('customerId'),
          purchaseId: r.str('purchaseId'),
          date: r.date('date'),
          currency,
          amount: r.money('amount', currency),
          reason: reason === 'chargeback' ? 'chargeback' : 'refund',
        });
        break;
      }
      case 'prop_payout': {
        const currency = r.currency();
        rows.push({
          type,
          brandId: r.str('brandId'),
          customerId: r.str('customerId'),
          payoutId: r.str('payoutId'),
          date: r.date('date'),
          currency,
          amount: r.money('amount', currency),
        });
        break;
      }
      case 'deliverable': {
        const segment = r.str('segment');
        if (!(SEGMENTS as readonly string[]).includes(segment))
          r.fail('segment', `must be one of ${SEGMENTS.join(', ')}`);
        rows.push({
          type,
          partnerId: r.str('partnerId'),
          segment: segment as Segment,
          deliverableId: r.str('deliverableId'),
          deliverableType: r.str('deliverableType'),
          date: r.date('date'),
        });
        break;
      }
      default:
        r.fail('type', 'must be igaming_day, trade, prop_purchase, prop_refund, prop_payout or deliverable');
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows };
}

function optionalMoney(r: RecordReader, currency: string, fields: string[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const f of fields) if (r.has(f)) out[f] = r.money(f, currency);
  return out;
}

class RecordReader {
  constructor(
    private readonly rec: Record<string, unknown>,
    private readonly record: number,
    private readonly errors: ActivityParseError[],
  ) {}
  fail(field: string, message: string): void {
    this.errors.push({ record: this.record, field, message });
  }
  has(field: string): boolean {
    const v = this.rec[field];
    return v !== undefined && v !== null && v !== '';
  }
  opt(field: string): string | undefined {
    return this.has(field) ? String(this.rec[field]) : undefined;
  }
  str(field: string): string {
    const v = this.opt(field);
    if (v === undefined) {
      this.fail(field, 'is required');
      return '';
    }
    return v;
  }
  currency(): string {
    const c = this.str('currency');
    if (c && !isCurrency(c)) this.fail('currency', `unknown currency ${c}`);
    return c;
  }
  money(field: string, currency: string, optional = false): bigint {
    const v = this.opt(field);
    if (v === undefined) {
      if (!optional) this.fail(field, 'is required');
      return 0n;
    }
    if (!isCurrency(currency)) return 0n;
    const r = parseMoney(v, currency);
    if (r.kind === 'error') {
      this.fail(
        field,
        r.reason === 'too_precise' ? `has more decimals than ${currency} allows` : 'must be a decimal amount',
      );
      return 0n;
    }
    return r.money.amount;
  }
  int(field: string, optional = false): number {
    const v = this.opt(field);
    if (v === undefined) {
      if (!optional) this.fail(field, 'is required');
      return 0;
    }
    if (!/^\d+$/.test(v)) this.fail(field, 'must be a whole number');
    return Number(v);
  }
  lots(field: string): string {
    const v = this.str(field);
    const d = parseDecimal(v);
    if (v && (!d || d.units < 0n || d.scale > 6))
      this.fail(field, 'must be a non-negative decimal with at most 6 decimals');
    return v;
  }
  date(field: string): string {
    const v = this.str(field);
    if (v && !/^\d{4}-\d{2}-\d{2}$/.test(v)) this.fail(field, 'must be a date YYYY-MM-DD');
    return v;
  }
  instant(field: string): number {
    const v = this.str(field);
    const ms = Date.parse(v);
    if (v && (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(v))) {
      this.fail(field, 'must be an ISO 8601 timestamp (2025-01-31T12:00:00Z)');
      return 0;
    }
    return ms;
  }
}
