export { isCurrency, listCurrencies, minorDigits } from './currency.js';
export {
  type Decimal,
  decimalAtScale,
  fitsScale,
  formatDecimal,
  formatScaled,
  formatScaledTrim,
  parseDecimal,
  parseDecimalOrThrow,
} from './decimal.js';
export { convertMoney, createFxTable, type FxLookup, type FxRate, type FxTable } from './fx.js';
export {
  addMoney,
  compareMoney,
  formatMoney,
  isZeroMoney,
  type Money,
  money,
  moneyFromScaled,
  negateMoney,
  type ParseMoneyResult,
  parseMoney,
  parseMoneyOrThrow,
  subtractMoney,
  sumMoney,
} from './money.js';
export {
  PERCENT_MAX_DECIMALS,
  PPM_ONE,
  type Ppm,
  parsePercent,
  parsePercentOrThrow,
  percentOf,
} from './percent.js';
export { pow10 } from './pow10.js';
export { ROUNDING_MODES, type RoundingMode, roundDiv, roundScaled } from './rounding.js';
