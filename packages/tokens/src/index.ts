/**
 * @keel/tokens: exact tiktoken-compatible counting, the model catalogue with prices, cost,
 * budgets, a cost ledger, and token-aware truncation and history fitting.
 */
export {
  type Budget,
  type BudgetOptions,
  type BudgetSnapshot,
  type CallEstimate,
  createBudget,
  type LocalBudget,
  type Reservation,
} from './budget';
export { BudgetExceededError } from './budget-exceeded-error';
export {
  type CostLedger,
  createCostLedger,
  type LedgerCall,
  type LedgerSnapshot,
  type LedgerTotals,
  type LocalCostLedger,
} from './cost-ledger';
export {
  type AnthropicTokenCountingClient,
  type CountMessageTokensOptions,
  countMessageTokens,
  type TokenCount,
} from './count-message-tokens';
export {
  countTokens,
  decode,
  encode,
  encodingFor,
  isWithinLimit,
  type TokenizerOptions,
} from './count-tokens';
export type { Encoding, EncodingName } from './encoding';
export {
  addCosts,
  type CostBreakdown,
  type EstimateCostOptions,
  estimateCost,
  type NanoUsd,
  ZERO_COST,
} from './estimate-cost';
export {
  type FitMessagesOptions,
  type FitMessagesResult,
  type FitStrategy,
  fitMessages,
} from './fit-messages';
export { ENCODING_NAMES, loadEncoding } from './load-encoding';
export {
  ANTHROPIC_ESTIMATE_ERROR,
  ANTHROPIC_ESTIMATE_FACTOR,
  type ChatMessage,
} from './message-counter';
export {
  defineModel,
  getModel,
  listModels,
  type ModelInfo,
  type ModelPrices,
  type Tokenizer,
} from './model-catalogue';
export { ModelNotFoundError } from './model-not-found-error';
export { PriceUnavailableError } from './price-unavailable-error';
export { type TruncateKeep, type TruncateOptions, truncateTokens } from './truncate-tokens';
