import type { DocumentProblem } from '../partners/decide-status-transition.js';

/** One line of the vetting checklist: a document type a segment needs in a jurisdiction (`*` = all). */
export interface VettingRequirement {
  segment: string;
  jurisdiction: string;
  documentType: string;
  note: string;
}

export interface DocumentFacts {
  id: string;
  type: string;
  reviewStatus: 'pending' | 'approved' | 'rejected';
  /** 'YYYY-MM-DD' or null. */
  expiresOn: string | null;
  createdAt: string;
}

export interface VettingItem {
  documentType: string;
  note: string;
  /** The segments and jurisdictions that ask for it. */
  requiredFor: string[];
  state: 'ok' | 'missing' | 'unreviewed' | 'expired' | 'rejected' | 'expiring';
  documentId: string | null;
  expiresOn: string | null;
}

export interface VettingResult {
  items: VettingItem[];
  /** Required documents that block activation. */
  problems: DocumentProblem[];
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Evaluates a partner's documents against the checklist for its segments and its brands' jurisdictions.
 * For each required type the best document counts: approved and unexpired beats pending beats the rest.
 * A document expiring within `warnDays` of `today` is `expiring` (fine for activation, listed for reminders).
 */
export function calculateVetting(input: {
  segments: readonly string[];
  jurisdictions: readonly string[];
  requirements: readonly VettingRequirement[];
  documents: readonly DocumentFacts[];
  /** 'YYYY-MM-DD'. */
  today: string;
  warnDays?: number;
}): VettingResult {
  const warnUntil = addDays(input.today, input.warnDays ?? 30);
  const needed = new Map<string, { note: string; requiredFor: string[] }>();
  for (const r of input.requirements) {
    if (!input.segments.includes(r.segment)) continue;
    if (r.jurisdiction !== '*' && !input.jurisdictions.includes(r.jurisdiction)) continue;
    const e = needed.get(r.documentType) ?? { note: r.note, requiredFor: [] };
    e.requiredFor.push(r.jurisdiction === '*' ? r.segment : `${r.segment}/${r.jurisdiction}`);
    needed.set(r.documentType, e);
  }
  const items: VettingItem[] = [];
  const problems: DocumentProblem[] = [];
  for (const [type, need] of [...needed.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const rank = (d: DocumentFacts): number => {
      const expired = d.expiresOn !== null && d.expiresOn < input.today;
      if (d.reviewStatus === 'approved' && !expired) return 0;
      if (d.reviewStatus === 'pending' && !expired) return 1;
      if (expired) return 2;
      return 3;
    };
    const candidates = input.documents
      .filter((d) => d.type === type)
      .sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt));
    const best = candidates[0];
    let state: VettingItem['state'];
    if (!best) state = 'missing';
    else if (best.expiresOn !== null && best.expiresOn < input.today) state = 'expired';
    else if (best.reviewStatus === 'pending') state = 'unreviewed';
    else if (best.reviewStatus === 'rejected') state = 'rejected';
    else if (best.expiresOn !== null && best.expiresOn <= warnUntil) state = 'expiring';
    else state = 'ok';
    items.push({
      documentType: type,
      note: need.note,
      requiredFor: need.requiredFor.sort(),
      state,
      documentId: best?.id ?? null,
      expiresOn: best?.expiresOn ?? null,
    });
    if (state !== 'ok' && state !== 'expiring') problems.push({ type, problem: state });
  }
  return { items, problems };
}
