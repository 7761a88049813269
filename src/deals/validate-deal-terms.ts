import Compile from 'typebox/compile';
import { isCurrency, parseDecimal, parsePercent, PPM_ONE } from '../money/index.js';
import { COMPONENT_SCHEMAS, type ComponentKind, DealEnvelopeSchema, type DealTerms } from './schema.js';

/** One problem with a deal, `path` a JSON pointer to the field (`/components/0/tiers/bands/1/rate`). */
export interface DealError {
  readonly path: string;
  readonly message: string;
}

export type ValidateDealResult = { ok: true; terms: DealTerms } | { ok: false; errors: DealError[] };

export interface ValidateDealOptions {
  /** Jurisdictions of the brands the deal is issued for, by brand id, when known (adds the CySEC/ESMA check for them). */
  readonly brandJurisdictions?: Readonly<Record<string, readonly string[]>>;
}

/** Jurisdictions whose rules forbid incentives to retail CFD clients: deals there may not pay customers. */
export const NO_CLIENT_INCENTIVE_JURISDICTIONS = ['cysec', 'esma'];

const envelopeValidator = Compile(DealEnvelopeSchema);
const componentValidators = Object.fromEntries(
  Object.entries(COMPONENT_SCHEMAS).map(([kind, schema]) => [kind, Compile(schema)]),
) as Record<ComponentKind, ReturnType<typeof Compile>>;

/**
 * Validates deal terms: the JSON schema first (each component against the schema of its `kind`), then
 * the rules a schema cannot express. Every error names the offending field.
 */
export function validateDealTerms(json: unknown, options: ValidateDealOptions = {}): ValidateDealResult {
  const errors: DealError[] = [];
  if (!envelopeValidator.Check(json)) {
    errors.push(...schemaErrors(envelopeValidator.Errors(json), ''));
    // still check the components that can be checked, for a fuller report
  }
  const raw = json as { components?: unknown };
  if (Array.isArray(raw?.components)) {
    raw.components.forEach((c: unknown, i: number) => {
      const kind = (c as { kind?: unknown } | null)?.kind;
      if (typeof kind === 'string' && Object.hasOwn(componentValidators, kind)) {
        const v = componentValidators[kind as ComponentKind];
        if (!v.Check(c)) errors.push(...schemaErrors(v.Errors(c), `/components/${i}`));
      }
    });
  }
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  const terms = json as DealTerms;
  checkSemantics(terms, options, errors);
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  return { ok: true, terms };
}

function schemaErrors(
  list: readonly { instancePath: string; message: string; keyword: string; params: object }[],
  prefix: string,
) {
  const out: DealError[] = [];
  for (const e of list) {
    // `additionalProperties` reports twice (a boolean-schema error per extra key, then a summary): keep the named key.
    if (e.keyword === 'additionalProperties') continue;
    if (e.keyword === 'boolean') {
      out.push({ path: prefix + e.instancePath, message: 'unknown field' });
      continue;
    }
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      out.push({ path: prefix + e.instancePath, message: 'does not match any allowed form' });
      continue;
    }
    if (e.keyword === 'required') {
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const m of missing) out.push({ path: `${prefix}${e.instancePath}/${m}`, message: 'is required' });
      continue;
    }
    out.push({ path: prefix + e.instancePath, message: e.message });
  }
  return out;
}

function dedupe(errors: DealError[]): DealError[] {
  const seen = new Set<string>();
  const out: DealError[] = [];
  for (const e of errors) {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

type Band = { from: string; to?: string | undefined };

/** Bands must start at 0, be ascending and contiguous (each `to` is the next `from`) and end open. */
function checkBands(bands: readonly Band[], path: string, errors: DealError[]): void {
  bands.forEach((band, i) => {
    const from = parseDecimal(band.from);
    const to = band.to === undefined ? undefined : parseDecimal(band.to);
    if (i === 0 && from && from.units !== 0n)
      errors.push({ path: `${path}/${i}/from`, message: 'the first band must start at 0' });
    if (from && to && compareDec(from, to) >= 0)
      errors.push({ path: `${path}/${i}/to`, message: 'must be greater than from' });
    const next = bands[i + 1];
    if (next) {
      if (band.to === undefined) {
        errors.push({ path: `${path}/${i}/to`, message: 'only the last band may be open-ended' });
      } else {
        const nextFrom = parseDecimal(next.from);
        if (to && nextFrom && compareDec(to, nextFrom) !== 0) {
          errors.push({
            path: `${path}/${i + 1}/from`,
            message: `must equal the previous band's to (${band.to}): bands are contiguous`,
          });
        }
      }
    } else if (band.to !== undefined) {
      errors.push({ path: `${path}/${i}/to`, message: 'the last band must be open-ended (no to)' });
    }
  });
}

function compareDec(a: { units: bigint; scale: number }, b: { units: bigint; scale: number }): number {
  const s = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(s - a.scale);
  const y = b.units * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

function checkPercent(value: string | undefined, path: string, errors: DealError[]): void {
  if (value === undefined) return;
  const p = parsePercent(value);
  if (p === undefined || p > PPM_ONE) errors.push({ path, message: 'must be a percent between 0 and 100' });
}

function checkSemantics(terms: DealTerms, options: ValidateDealOptions, errors: DealError[]): void {
  if (!isCurrency(terms.currency))
    errors.push({ path: '/currency', message: `unknown currency ${terms.currency}` });
  const ids = new Map<string, number>();
  const jurisdictions = new Set((terms.jurisdictions ?? []).map((j) => j.toLowerCase()));
  for (const [brand, list] of Object.entries(options.brandJurisdictions ?? {})) {
    if (terms.brands && !terms.brands.includes(brand)) continue;
    for (const j of list) jurisdictions.add(j.toLowerCase());
  }
  const noClientIncentives = NO_CLIENT_INCENTIVE_JURISDICTIONS.some((j) => jurisdictions.has(j));

  terms.components.forEach((c, i) => {
    const at = `/components/${i}`;
    const seen = ids.get(c.id);
    if (seen !== undefined)
      errors.push({ path: `${at}/id`, message: `duplicate component id (also /components/${seen})` });
    else ids.set(c.id, i);
    c.segments?.forEach((s, j) => {
      if (!terms.segments.includes(s))
        errors.push({
          path: `${at}/segments/${j}`,
          message: `segment ${s} is not one of the deal's segments`,
        });
    });
    c.brands?.forEach((b, j) => {
      if (terms.brands && !terms.brands.includes(b))
        errors.push({ path: `${at}/brands/${j}`, message: `brand ${b} is not one of the deal's brands` });
    });
    switch (c.kind) {
      case 'igaming_revshare': {
        if ((c.rate === undefined) === (c.tiers === undefined)) {
          errors.push({ path: `${at}/rate`, message: 'give exactly one of rate or tiers' });
        }
        checkPercent(c.rate, `${at}/rate`, errors);
        if (c.tiers) {
          checkBands(c.tiers.bands, `${at}/tiers/bands`, errors);
          c.tiers.bands.forEach((b, j) => {
            checkPercent(b.rate, `${at}/tiers/bands/${j}/rate`, errors);
          });
          if (c.tiers.basis === 'ndc' && c.tiers.mode === 'incremental') {
            errors.push({
              path: `${at}/tiers/mode`,
              message: 'incremental tiers need a money basis (ngr); NDC tiers are retroactive',
            });
          }
          if (c.tiers.basis === 'ndc') {
            c.tiers.bands.forEach((b, j) => {
              if (!/^\d+$/.test(b.from))
                errors.push({
                  path: `${at}/tiers/bands/${j}/from`,
                  message: 'NDC bands count customers: a whole number',
                });
              if (b.to !== undefined && !/^\d+$/.test(b.to))
                errors.push({
                  path: `${at}/tiers/bands/${j}/to`,
                  message: 'NDC bands count customers: a whole number',
                });
            });
          }
        }
        if (c.carryover.enabled && c.carryover.scope === undefined) {
          errors.push({
            path: `${at}/carryover/scope`,
            message: 'is required when carryover is enabled (per_brand or bundled)',
          });
        }
        const kinds = new Set<string>();
        c.ngr.deductions.forEach((d, j) => {
          if (kinds.has(d.kind))
            errors.push({
              path: `${at}/ngr/deductions/${j}/kind`,
              message: `deduction ${d.kind} listed twice`,
            });
          kinds.add(d.kind);
          if (d.method === 'percent') checkPercent(d.rate, `${at}/ngr/deductions/${j}/rate`, errors);
        });
        break;
      }
      case 'igaming_cpa':
      case 'forex_cpa':
        for (const country of Object.keys(c.amount.byCountry ?? {})) {
          if (!/^[A-Z]{2}$/.test(country)) {
            errors.push({
              path: `${at}/amount/byCountry/${country}`,
              message: 'must be an ISO 3166-1 alpha-2 country code (e.g. GB)',
            });
          }
        }
        break;
      case 'forex_rebate': {
        const m = c.method;
        if (m.kind === 'per_lot' || m.kind === 'points') {
          const keys = new Set<string>();
          m.rates.forEach((r, j) => {
            const key = `${r.instrumentClass}\u0000${r.accountType ?? '*'}`;
            if (keys.has(key))
              errors.push({
                path: `${at}/method/rates/${j}`,
                message: `instrument class ${r.instrumentClass} / account type ${r.accountType ?? 'any'} listed twice`,
              });
            keys.add(key);
          });
        }
        if (m.kind === 'spread_share') checkPercent(m.percent, `${at}/method/percent`, errors);
        if (m.kind === 'volume_tiers') checkBands(m.bands, `${at}/method/bands`, errors);
        if (c.ibModel?.kind === 'split') {
          let total = 0n;
          c.ibModel.shares.forEach((s, j) => {
            checkPercent(s, `${at}/ibModel/shares/${j}`, errors);
            total += parsePercent(s) ?? 0n;
          });
          if (total > PPM_ONE)
            errors.push({
              path: `${at}/ibModel/shares`,
              message: 'split allocations add up to more than 100%',
            });
        }
        checkPercent(c.clientRebatePercent, `${at}/clientRebatePercent`, errors);
        if (
          noClientIncentives &&
          c.clientRebatePercent !== undefined &&
          parsePercent(c.clientRebatePercent) !== 0n
        ) {
          errors.push({
            path: `${at}/clientRebatePercent`,
            message: 'CySEC/ESMA brands may not pay customers (no client rebates)',
          });
        }
        break;
      }
      case 'forex_markup_share':
        checkPercent(c.percent, `${at}/percent`, errors);
        break;
      case 'forex_lot_override':
        break;
      case 'prop_purchase':
        if ((c.rate === undefined) === (c.tiers === undefined)) {
          errors.push({ path: `${at}/rate`, message: 'give exactly one of rate or tiers' });
        }
        checkPercent(c.rate, `${at}/rate`, errors);
        if (c.tiers) {
          checkBands(c.tiers.bands, `${at}/tiers/bands`, errors);
          c.tiers.bands.forEach((b, j) => {
            checkPercent(b.rate, `${at}/tiers/bands/${j}/rate`, errors);
          });
        }
        if (c.clawbackHorizonDays !== undefined && c.clawbackHorizonDays < c.refundWindowDays) {
          errors.push({ path: `${at}/clawbackHorizonDays`, message: 'must be at least refundWindowDays' });
        }
        break;
      case 'prop_funded_payout':
        checkPercent(c.percent, `${at}/percent`, errors);
        break;
      case 'sub_partner_override':
        c.ratesByDepth.forEach((r, j) => {
          checkPercent(r, `${at}/ratesByDepth/${j}`, errors);
        });
        checkPercent(c.beyond, `${at}/beyond`, errors);
        break;
      case 'fixed_fee':
      case 'deliverable_fee':
        break;
    }
  });

  terms.precedence?.forEach((id, j) => {
    if (!ids.has(id)) errors.push({ path: `/precedence/${j}`, message: `no component with id ${id}` });
  });
  if (terms.caps?.perPeriod !== undefined && parseDecimal(terms.caps.perPeriod)?.units === 0n) {
    errors.push({ path: '/caps/perPeriod', message: 'must be greater than 0 (omit it for no cap)' });
  }
  if (terms.caps?.perCustomer !== undefined && parseDecimal(terms.caps.perCustomer)?.units === 0n) {
    errors.push({ path: '/caps/perCustomer', message: 'must be greater than 0 (omit it for no cap)' });
  }
}
