/**
 * Postback signature rule: HMAC-SHA256 (hex) over `${timestamp}.${payload}`, where the payload is the raw
 * body of a POST or, for a GET, the query string without `signature` and `timestamp`, its pairs sorted by
 * name then value. The timestamp (Unix seconds) must be within `toleranceSeconds` of now.
 * The HMAC itself is computed by the caller (crypto is I/O-free but kept at the edge); this file decides.
 */

export type SignatureCheck =
  | { kind: 'ok' }
  | { kind: 'invalid'; reason: 'missing' | 'bad_timestamp' | 'expired' | 'mismatch' };

/** The canonical string of a GET postback's query, as signed. */
export function calculateCanonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .filter(([k]) => k !== 'signature' && k !== 'timestamp')
    .map(([k, v]) => [k, v] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** The exact text that is signed. */
export function calculateSignedText(timestamp: string, payload: string): string {
  return `${timestamp}.${payload}`;
}

/**
 * Decides a signature: `expected` is the HMAC of the signed text under the brand's secret, `equal` a
 * constant-time comparison supplied by the caller.
 */
export function checkSignature(input: {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly expected: string | undefined;
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
  readonly equal: (a: string, b: string) => boolean;
}): SignatureCheck {
  if (!input.timestamp || !input.signature || input.expected === undefined)
    return { kind: 'invalid', reason: 'missing' };
  if (!/^\d{9,11}$/.test(input.timestamp)) return { kind: 'invalid', reason: 'bad_timestamp' };
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > input.toleranceSeconds)
    return { kind: 'invalid', reason: 'expired' };
  const sig = input.signature.toLowerCase().replace(/^sha256=/, '');
  return input.equal(sig, input.expected) ? { kind: 'ok' } : { kind: 'invalid', reason: 'mismatch' };
}
