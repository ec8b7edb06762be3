/**
 * @keel/core: the contracts every Keel layer speaks, and the few helpers they all need.
 */
export { isAbortError, throwIfAborted } from './abort';
export type {
  CallOptions,
  ChatModel,
  ChatRequest,
  GenerateResult,
  RequestMetadata,
  ResponseFormat,
} from './chat-model';
export { type Clock, systemClock, type TimerHandle } from './clock';
export { type DeadlineSignal, type DeadlineSignalOptions, deadlineSignal } from './deadline-signal';
export type {
  CallObserver,
  CallOutcome,
  Instrumentation,
  ModelCallEnd,
  ModelCallStart,
  RetrievalEnd,
  RetrievalStart,
  ToolCallEnd,
  ToolCallStart,
  ToolDecision,
} from './instrumentation';
export { InvalidArgumentError } from './invalid-argument-error';
export type { JsonSchema, JsonValue } from './json';
export { KeelError, type KeelErrorOptions } from './keel-error';
export type {
  AssistantMessage,
  ContentPart,
  DocumentMediaType,
  FilePart,
  FileSource,
  ImageMediaType,
  ImagePart,
  ImageSource,
  Message,
  ReasoningPart,
  Role,
  SystemMessage,
  TextPart,
  ToolCallPart,
  ToolMessage,
  ToolResultPart,
  UserMessage,
} from './message';
export {
  type AnthropicUsage,
  normalizeAnthropicUsage,
  normalizeOpenAIChatUsage,
  normalizeOpenAIResponsesUsage,
  type OpenAIChatUsage,
  type OpenAIResponsesUsage,
} from './normalize-usage';
export type {
  ProviderOptions,
  ReasoningEffort,
  ServerTool,
  ServiceTier,
} from './provider-options';
export type { RedisArgument, RedisClient, SqlClient } from './shared-state';
export {
  type SharedStateEngine,
  SharedStateUnavailableError,
} from './shared-state-unavailable-error';
export { type SleepOptions, sleep } from './sleep';
export type {
  Citation,
  CitationPart,
  ErrorPart,
  FinishPart,
  FinishReason,
  LogprobsPart,
  ReasoningDeltaPart,
  ServerToolCallPart,
  ServerToolResultPart,
  StreamPart,
  StreamPartType,
  TextDeltaPart,
  TokenLogprob,
  ToolCallCompletePart,
  ToolCallDeltaPart,
  ToolCallStartPart,
  UsagePart,
} from './stream-part';
export { TimeoutError } from './timeout-error';
export type { ToolCall, ToolChoice, ToolDefinition } from './tool';
export { addUsage, EMPTY_USAGE, USAGE_FIELDS, type Usage } from './usage';
