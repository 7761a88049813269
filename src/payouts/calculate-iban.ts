/** IBAN lengths of the SEPA countries and a few others (ISO 13616 registry). */
const LENGTHS: Record<string, number> = {
  AD: 24,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  VA: 22,
  AE: 23,
  IL: 23,
  SA: 24,
  TR: 26,
  UA: 29,
};

/** SEPA scheme countries (pain.001 SEPA credit transfers). */
export const SEPA_COUNTRIES = new Set([
  'AD',
  'AT',
  'BE',
  'BG',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'GI',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MC',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'SM',
  'VA',
]);

export type IbanCheck =
  | { kind: 'valid'; iban: string; country: string }
  | { kind: 'invalid'; reason: string };

/** Validates an IBAN: country length and the ISO 7064 mod-97 check digits. Spaces are ignored. */
export function calculateIbanCheck(input: string): IbanCheck {
  const iban = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/.test(iban)) return { kind: 'invalid', reason: 'is not an IBAN' };
  const country = iban.slice(0, 2);
  const len = LENGTHS[country];
  if (len === undefined) return { kind: 'invalid', reason: `country ${country} is not supported` };
  if (iban.length !== len) return { kind: 'invalid', reason: `a ${country} IBAN has ${len} characters` };
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  if (rem !== 1) return { kind: 'invalid', reason: 'check digits are wrong' };
  return { kind: 'valid', iban, country };
}

/** A BIC (ISO 9362): 8 or 11 characters. */
export function isBic(bic: string): boolean {
  return /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/.test(bic);
}
