/**
 * Fixed internal scales (decimal places of the deal currency's major unit) so that sums stay exact
 * bigints without per-row division:
 * - money converted from rows: scale 24 (minor units × FX rate with up to 12 decimals fit exactly);
 * - NGR after percent deductions and per-lot rates: scale 30 (24 + 6 digits of a ppm percent);
 * - per-trade amounts: scale 36 (lots in millionths × a rate at scale 30).
 * Only the final per-line rounding to the currency's minor unit is visible; the one internal rounding
 * (credit coefficient, hedge netting and partial refunds, which divide) happens at scale 36 / 30, far below it.
 */
export const MONEY_SCALE = 24;
export const NGR_SCALE = 30;
export const RATE_SCALE = 30;
export const TRADE_SCALE = 36;
/** Lots are held in millionths of a lot. */
export const LOT_SCALE = 6;
/** FX rates may carry at most this many decimals (so conversion to MONEY_SCALE stays exact). */
export const FX_MAX_DECIMALS = 12;
