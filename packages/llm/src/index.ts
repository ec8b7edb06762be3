/**
 * @keel/llm: one disciplined client over the official OpenAI and Anthropic SDKs, with Keel's
 * token budgets, resilience, streaming, cost and instrumentation wired in.
 */
export { BatchFailedError, type BatchFailure } from './batch-failed-error';
export {
  type BatchRecord,
  type BatchRecordItem,
  type BatchStore,
  createMemoryBatchStore,
} from './batch-store';
export type {
  BatchCallOptions,
  BatchClient,
  BatchClientOptions,
  BatchGenerateResult,
  BatchItemFailure,
  BatchItemResult,
  SubmittedBatch,
} from './batch-types';
export { ContextOverflowError } from './context-overflow-error';
export { BATCH_DISCOUNTS } from './cost';
export { type AnthropicBatchOptions, createAnthropicBatches } from './create-anthropic-batches';
export { type AnthropicModelOptions, createAnthropicModel } from './create-anthropic-model';
export { createOpenAIBatches, type OpenAIBatchOptions } from './create-openai-batches';
export { createOpenAIModel, type OpenAIModelOptions } from './create-openai-model';
export {
  type GenerateObjectOptions,
  generateObject,
  type ObjectRequest,
  type ObjectResult,
  type ObjectStream,
  streamObject,
} from './generate-object';
export { InvalidFileError, type InvalidFileReason } from './invalid-file-error';
export { MalformedBatchLineError } from './malformed-batch-line-error';
export { MissingApiKeyError } from './missing-api-key-error';
export { MissingSdkError } from './missing-sdk-error';
export { ObjectValidationError } from './object-validation-error';
export type { BatchPolling } from './poll-batch';
export type { PromptCaching } from './providers/driver';
export type { MaxTokensField } from './providers/openai-chat';
export { createMemoryCache, type MemoryCacheOptions, type ResponseCache } from './response-cache';
export type {
  CallSummary,
  LlmCallOptions,
  LlmGenerateResult,
  LlmModel,
  LlmStream,
  ModelOptions,
  StreamSummary,
  Timeouts,
} from './types';
export { UnknownBatchError } from './unknown-batch-error';
export { UnsupportedOptionError } from './unsupported-option-error';
