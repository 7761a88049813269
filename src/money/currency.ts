/**
 * ISO 4217 currencies and their minor-unit digits. Only currencies listed here are valid in deals,
 * activity rows and FX rates; add a code here before using it.
 */
const MINOR_DIGITS: Readonly<Record<string, number>> = Object.freeze({
  // zero decimals
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  // three decimals
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  // two decimals
  AED: 2,
  ARS: 2,
  AUD: 2,
  BGN: 2,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  GEL: 2,
  GHS: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  KES: 2,
  KZT: 2,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  RON: 2,
  RSD: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  UYU: 2,
  ZAR: 2,
  // stablecoins commonly used by prop firms and crypto-friendly brokers, kept at cent precision
  USDT: 2,
  USDC: 2,
});

/** True when `code` is a currency this install knows (and so has a minor-unit size). */
export function isCurrency(code: string): boolean {
  return Object.hasOwn(MINOR_DIGITS, code);
}

/** Digits after the decimal point of the currency's minor unit (JPY 0, EUR 2, KWD 3). Throws on an unknown code: a bug upstream of validation. */
export function minorDigits(code: string): number {
  const digits = MINOR_DIGITS[code];
  if (digits === undefined) throw new Error(`Unknown currency ${code}`);
  return digits;
}

/** Every known currency code, sorted. */
export function listCurrencies(): string[] {
  return Object.keys(MINOR_DIGITS).sort();
}
