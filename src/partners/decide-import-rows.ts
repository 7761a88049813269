/** Checks a partner import (pure): every row accepted or rejected with its reason, references resolved. */

export interface ImportRow {
  /** 1-based line in the file (header = line 1). */
  line: number;
  externalId: string;
  displayName: string;
  email: string;
  country: string;
  segments: string;
  status: string;
  tier: string;
  brandCode: string;
  managerEmail: string;
  parentExternalId: string;
  linkCodes: string;
  promoCodes: string;
}

export interface ImportContext {
  segments: readonly string[];
  statuses: readonly string[];
  brandCodes: ReadonlySet<string>;
  /** Lower-case e-mails of partner managers. */
  managerEmails: ReadonlySet<string>;
  /** Lower-case e-mails already used by partners or logins. */
  takenEmails: ReadonlySet<string>;
  /** Lower-case codes already used by links or promo codes. */
  takenCodes: ReadonlySet<string>;
}

export interface AcceptedRow {
  line: number;
  externalId: string;
  displayName: string;
  email: string | null;
  country: string | null;
  segments: string[];
  status: string;
  tier: string;
  brandCode: string;
  managerEmail: string | null;
  parentExternalId: string | null;
  linkCodes: string[];
  promoCodes: string[];
}

export interface Reject {
  line: number;
  externalId: string;
  reason: string;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LINK_RE = /^[A-Za-z0-9_-]{3,64}$/;
const PROMO_RE = /^[A-Z0-9-]{3,32}$/;
const split = (s: string) =>
  s
    .split(/[;|]/)
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Decides every row. A row is rejected for its own fault (first reason found) or because its parent
 * row is rejected, missing or forms a cycle; references to parents may point forwards in the file.
 */
export function decideImportRows(
  rows: readonly ImportRow[],
  ctx: ImportContext,
): { accepted: AcceptedRow[]; rejects: Reject[] } {
  const rejects = new Map<number, Reject>();
  const reject = (r: ImportRow, reason: string) => {
    if (!rejects.has(r.line)) rejects.set(r.line, { line: r.line, externalId: r.externalId, reason });
  };
  const byExternal = new Map<string, ImportRow>();
  const dupExternal = new Set<string>();
  const emails = new Map<string, number>();
  const codes = new Map<string, number>();
  for (const r of rows) {
    if (byExternal.has(r.externalId)) dupExternal.add(r.externalId);
    else byExternal.set(r.externalId, r);
  }
  const parsed = new Map<number, AcceptedRow>();
  for (const r of rows) {
    const segs = split(r.segments);
    const email = r.email.trim().toLowerCase();
    const links = split(r.linkCodes);
    const promos = split(r.promoCodes).map((c) => c.toUpperCase());
    if (!r.externalId) reject(r, 'external_id is empty');
    else if (dupExternal.has(r.externalId) && byExternal.get(r.externalId) !== r)
      reject(r, `external_id ${r.externalId} repeats an earlier row`);
    else if (!r.displayName.trim()) reject(r, 'display_name is empty');
    else if (r.displayName.length > 200) reject(r, 'display_name is longer than 200 characters');
    else if (email && !EMAIL_RE.test(email)) reject(r, `email "${r.email}" is not an e-mail address`);
    else if (email && ctx.takenEmails.has(email))
      reject(r, `email ${email} already belongs to a partner or login`);
    else if (email && emails.has(email)) reject(r, `email ${email} repeats line ${emails.get(email)}`);
    else if (r.country && !/^[A-Z]{2}$/.test(r.country))
      reject(r, `country "${r.country}" is not an ISO code`);
    else if (segs.length === 0) reject(r, 'segments is empty');
    else if (segs.some((x) => !ctx.segments.includes(x)))
      reject(r, `unknown segment ${segs.find((x) => !ctx.segments.includes(x))}`);
    else if (new Set(segs).size !== segs.length) reject(r, 'a segment is listed twice');
    else if (r.status && !ctx.statuses.includes(r.status)) reject(r, `unknown status "${r.status}"`);
    else if (r.tier && !/^[a-z0-9_-]{1,32}$/.test(r.tier)) reject(r, `tier "${r.tier}" is not a tier name`);
    else if (!ctx.brandCodes.has(r.brandCode)) reject(r, `unknown brand_code "${r.brandCode}"`);
    else if (r.managerEmail && !ctx.managerEmails.has(r.managerEmail.toLowerCase()))
      reject(r, `manager_email ${r.managerEmail} is not a partner manager`);
    else if (r.parentExternalId === r.externalId) reject(r, 'parent_external_id is the row itself');
    else if (r.parentExternalId && !byExternal.has(r.parentExternalId))
      reject(r, `parent_external_id ${r.parentExternalId} is not in the file`);
    else {
      const bad = links.find((c) => !LINK_RE.test(c)) ?? promos.find((c) => !PROMO_RE.test(c));
      const all = [...links, ...promos].map((c) => c.toLowerCase());
      const taken = all.find((c) => ctx.takenCodes.has(c));
      const repeated = all.find((c, i) => codes.has(c) || all.indexOf(c) !== i);
      if (bad) reject(r, `tracking code "${bad}" has characters or a length that are not allowed`);
      else if (taken) reject(r, `tracking code ${taken} is already in use`);
      else if (repeated)
        reject(
          r,
          `tracking code ${repeated} repeats ${codes.has(repeated) ? `line ${codes.get(repeated)}` : 'in the row'}`,
        );
      else {
        if (email) emails.set(email, r.line);
        for (const c of all) codes.set(c, r.line);
        parsed.set(r.line, {
          line: r.line,
          externalId: r.externalId,
          displayName: r.displayName.trim(),
          email: email || null,
          country: r.country || null,
          segments: segs,
          status: r.status || 'active',
          tier: r.tier || 'standard',
          brandCode: r.brandCode,
          managerEmail: r.managerEmail ? r.managerEmail.toLowerCase() : null,
          parentExternalId: r.parentExternalId || null,
          linkCodes: links,
          promoCodes: promos,
        });
      }
    }
  }
  // parents: a child of a rejected row is rejected; a cycle rejects its members
  let changed = true;
  while (changed) {
    changed = false;
    for (const a of parsed.values()) {
      if (!a.parentExternalId) continue;
      const parent = byExternal.get(a.parentExternalId)!;
      if (parent.brandCode !== a.brandCode) {
        reject(rows.find((r) => r.line === a.line)!, `parent (line ${parent.line}) is in another brand`);
        parsed.delete(a.line);
        changed = true;
      } else if (rejects.has(parent.line)) {
        reject(rows.find((r) => r.line === a.line)!, `parent row (line ${parent.line}) is rejected`);
        parsed.delete(a.line);
        changed = true;
      }
    }
  }
  for (const a of parsed.values()) {
    const seen = new Set<string>([a.externalId]);
    let p = a.parentExternalId;
    while (p) {
      if (seen.has(p)) {
        rejects.set(a.line, {
          line: a.line,
          externalId: a.externalId,
          reason: 'parent_external_id forms a cycle',
        });
        break;
      }
      seen.add(p);
      p = parsed.get(byExternal.get(p)!.line)?.parentExternalId ?? null;
    }
  }
  for (const l of rejects.keys()) parsed.delete(l);
  return {
    accepted: [...parsed.values()],
    rejects: [...rejects.values()].sort((x, y) => x.line - y.line),
  };
}
