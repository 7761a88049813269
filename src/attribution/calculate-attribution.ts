/**
 * Attribution rules (DOMAIN.md "one owner per customer"): pure, no I/O, `now` is passed in.
 *
 * A claim is a click or a promo code that ties a customer to one partner segment. On a registration (or a
 * first purchase in prop) the winning claim becomes the owner and the ownership is locked; every valid claim
 * of another partner segment is an overlap: recorded, never paid.
 */

export type Segment = 'affiliate' | 'ib' | 'ambassador' | 'influencer' | 'integrator' | 'reseller';

export interface AttributionSettings {
  readonly model: 'last_click' | 'first_click';
  /** Cookie window in days: a click at exactly `windowDays` before the event is still valid. */
  readonly windowDays: number;
  /** A promo code used at the event wins over any link click. */
  readonly codeOverridesLink: boolean;
  /** What locks the owner: the registration, or (prop) the first purchase. */
  readonly lockOn: 'registration' | 'first_purchase';
  /** Days the lock lasts; null = for good. */
  readonly lockDays: number | null;
}

export const DEFAULT_ATTRIBUTION: AttributionSettings = {
  model: 'last_click',
  windowDays: 30,
  codeOverridesLink: true,
  lockOn: 'registration',
  lockDays: null,
};

export interface Claim {
  readonly source: 'click' | 'code';
  readonly partnerId: string;
  readonly segment: Segment;
  /** When the click happened, or (codes) when the code was used. */
  readonly at: Date;
  readonly clickId?: string | null;
  readonly linkId?: string | null;
  readonly promoCodeId?: string | null;
  readonly subId?: string | null;
  /** False for bot clicks, paused links or inactive partners: such claims never win. */
  readonly eligible?: boolean;
}

export interface CurrentOwnership {
  readonly partnerId: string | null;
  readonly segment: Segment | null;
  readonly lockedAt: Date | null;
}

export type AttributionDecision =
  | { kind: 'assign'; owner: Claim; lock: boolean; overlaps: Claim[]; explanation: string }
  | {
      kind: 'keep';
      reason: 'locked' | 'same_owner' | 'no_valid_claim';
      lock: boolean;
      overlaps: Claim[];
      explanation: string;
    };

const DAY_MS = 86_400_000;

/** True when a claim counts at `eventAt`: not after the event and not older than the window. */
export function isWithinWindow(claimAt: Date, eventAt: Date, windowDays: number): boolean {
  const age = eventAt.getTime() - claimAt.getTime();
  return age >= 0 && age <= windowDays * DAY_MS;
}

function key(c: { partnerId: string | null; segment: string | null }): string {
  return `${c.partnerId}/${c.segment}`;
}

/** The winning claim among valid ones per the settings (code override, then first/last click). */
export function pickWinner(valid: readonly Claim[], s: AttributionSettings): Claim | undefined {
  if (valid.length === 0) return undefined;
  const codes = valid.filter((c) => c.source === 'code');
  const pool = s.codeOverridesLink && codes.length > 0 ? codes : valid;
  const sorted = [...pool].sort((a, b) => a.at.getTime() - b.at.getTime());
  return s.model === 'first_click' ? sorted[0] : sorted[sorted.length - 1];
}

/** Overlaps: one claim per competing partner segment (the latest), excluding the owner's segment. */
function competing(claims: readonly Claim[], owner: { partnerId: string | null; segment: string | null }) {
  const byKey = new Map<string, Claim>();
  for (const c of claims) {
    if (key(c) === key(owner)) continue;
    const prev = byKey.get(key(c));
    if (!prev || prev.at.getTime() < c.at.getTime()) byKey.set(key(c), c);
  }
  return [...byKey.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * Decides the owner for an event. `locking` says whether this event locks ownership (a registration, or a
 * first purchase when the brand locks on purchase). Claims outside the window or ineligible never win and
 * are not overlaps; valid claims of other partner segments are overlaps whatever the outcome.
 */
export function calculateAttribution(input: {
  readonly settings: AttributionSettings;
  readonly current: CurrentOwnership;
  readonly claims: readonly Claim[];
  readonly eventAt: Date;
  readonly locking: boolean;
}): AttributionDecision {
  const { settings: s, current, eventAt } = input;
  const valid = input.claims.filter(
    (c) => c.eligible !== false && isWithinWindow(c.at, eventAt, s.windowDays),
  );
  const lockActive =
    current.lockedAt !== null &&
    (s.lockDays === null || eventAt.getTime() - current.lockedAt.getTime() < s.lockDays * DAY_MS);
  if (lockActive) {
    return {
      kind: 'keep',
      reason: 'locked',
      lock: false,
      overlaps: current.partnerId ? competing(valid, current) : [],
      explanation: `owner locked since ${current.lockedAt!.toISOString()}`,
    };
  }
  const winner = pickWinner(valid, s);
  const lock = input.locking;
  if (!winner) {
    return {
      kind: 'keep',
      reason: 'no_valid_claim',
      lock: lock && current.partnerId !== null,
      overlaps: [],
      explanation: `no eligible click or code within ${s.windowDays} days`,
    };
  }
  const overlaps = competing(valid, winner);
  if (key(winner) === key(current)) {
    return {
      kind: 'keep',
      reason: 'same_owner',
      lock,
      overlaps,
      explanation: `${winner.source} confirms the owner`,
    };
  }
  const rule =
    winner.source === 'code' && s.codeOverridesLink
      ? 'code overrides link'
      : s.model === 'first_click'
        ? 'first click'
        : 'last click';
  return {
    kind: 'assign',
    owner: winner,
    lock,
    overlaps,
    explanation: `${rule} within ${s.windowDays} days: ${winner.source} at ${winner.at.toISOString()}`,
  };
}
