/** Unified contracts (pure): merging deal templates into one set of terms, and rendering the contract text. */

export interface TemplateInput {
  id: string;
  segment: string;
  version: number;
  name: string;
  terms: Record<string, unknown>;
  legalText: string;
}

export type UnifiedTermsResult =
  | { kind: 'ok'; terms: Record<string, unknown> }
  | { kind: 'invalid'; errors: Array<{ path: string; message: string }> };

/**
 * One set of deal terms for several segments of one partner at one brand: each template's components,
 * scoped to the template's segment (ids prefixed by it), in segment order, which is also the precedence.
 * All templates must share a currency. The caps of the first template that has caps apply to the whole deal.
 */
export function calculateUnifiedTerms(input: {
  brandId: string;
  brandName: string;
  templates: readonly TemplateInput[];
}): UnifiedTermsResult {
  const errors: Array<{ path: string; message: string }> = [];
  const currencies = [...new Set(input.templates.map((t) => String(t.terms.currency ?? '')))];
  if (currencies.length !== 1)
    errors.push({ path: '/segments', message: `templates disagree on currency (${currencies.join(', ')})` });
  const components: Record<string, unknown>[] = [];
  for (const t of input.templates) {
    const list = Array.isArray(t.terms.components) ? (t.terms.components as Record<string, unknown>[]) : [];
    if (list.length === 0) errors.push({ path: `/templates/${t.segment}`, message: 'has no components' });
    for (const c of list)
      components.push({ ...c, id: `${t.segment}.${String(c.id)}`, segments: [t.segment] });
  }
  if (errors.length) return { kind: 'invalid', errors };
  const first = input.templates[0]!;
  const caps = input.templates.map((t) => t.terms.caps).find((c) => c !== undefined);
  const terms: Record<string, unknown> = {
    schemaVersion: 1,
    name: `${input.brandName}: ${input.templates.map((t) => t.segment).join(' + ')}`.slice(0, 200),
    currency: first.terms.currency,
    ...(first.terms.rounding !== undefined ? { rounding: first.terms.rounding } : {}),
    segments: input.templates.map((t) => t.segment),
    brands: [input.brandId],
    precedence: components.map((c) => c.id),
    ...(caps !== undefined ? { caps } : {}),
    components,
  };
  return { kind: 'ok', terms };
}

export interface RenderInput {
  brandName: string;
  partner: { id: string; displayName: string; legalName: string | null; country: string | null };
  tier: string;
  version: number;
  effectiveFrom: string;
  templates: readonly TemplateInput[];
  terms: Record<string, unknown>;
}

/** JSON with sorted keys, so the rendered text (and its hash) does not depend on key order. */
export function canonicalJson(v: unknown, indent = 2): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object')
      return Object.fromEntries(
        Object.keys(x as object)
          .sort()
          .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
      );
    return x;
  };
  return JSON.stringify(sort(v), null, indent);
}

/**
 * Renders the exact text the partner accepts: a header, each template's legal text with its placeholders
 * filled ({{partner.name}}, {{partner.legalName}}, {{partner.country}}, {{brand.name}}, {{segment}}, {{tier}},
 * {{version}}, {{effectiveFrom}}; unknown ones stay as written), then the terms as canonical JSON.
 */
export function renderContract(r: RenderInput): string {
  const legalName = r.partner.legalName ?? r.partner.displayName;
  const lines = [
    `PARTNER AGREEMENT — ${r.brandName}`,
    `Version ${r.version}, effective from ${r.effectiveFrom}`,
    `Partner: ${legalName} (${r.partner.id})`,
    `Segments: ${r.templates.map((t) => t.segment).join(', ')}`,
    `Tier: ${r.tier}`,
    '',
  ];
  for (const t of r.templates) {
    const values: Record<string, string> = {
      'partner.name': r.partner.displayName,
      'partner.legalName': legalName,
      'partner.country': r.partner.country ?? '',
      'brand.name': r.brandName,
      segment: t.segment,
      tier: r.tier,
      version: String(r.version),
      effectiveFrom: r.effectiveFrom,
    };
    lines.push(`== ${t.segment}: ${t.name} (template v${t.version}) ==`);
    lines.push(t.legalText.replace(/\{\{\s*([a-zA-Z.]+)\s*\}\}/g, (m, k: string) => values[k] ?? m));
    lines.push('');
  }
  lines.push('== Commercial terms ==');
  lines.push(canonicalJson(r.terms));
  return `${lines.join('\n')}\n`;
}
