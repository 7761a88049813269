const CACHE: bigint[] = [];
for (let i = 0; i <= 80; i++) CACHE.push(10n ** BigInt(i));

/** 10^n as a bigint, cached for the small exponents the engine uses. */
export function pow10(n: number): bigint {
  const cached = CACHE[n];
  if (cached !== undefined) return cached;
  if (n < 0) throw new Error(`pow10 of negative exponent ${n}`);
  return 10n ** BigInt(n);
}
