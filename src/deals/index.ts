export * from './schema.js';
export {
  type DealError,
  NO_CLIENT_INCENTIVE_JURISDICTIONS,
  type ValidateDealOptions,
  type ValidateDealResult,
  validateDealTerms,
} from './validate-deal-terms.js';
export { revenueClassOf, type RevenueClass } from './revenue-class.js';
