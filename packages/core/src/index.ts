/**
 * @keel/core: the contracts every Keel layer speaks, and the few helpers they all need.
 */
export { isAbortError, throwIfAborted } from './abort';
export { assertDelay, type DelayRule, MAX_TIMER_DELAY_MS } from './assert-delay';
export { assertNumber, type NumberRule } from './assert-number';
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
export { describeValue } from './describe-value';
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
export { type LinkedSignal, linkSignals } from './link-signals';
export type {
  AssistantMessage,
  ContentPart,
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
export { sha256 } from './sha256';
export { type SleepOptions, sleep } from './sleep';
export {
  type AccumulatedStream,
  createStreamAccumulator,
  type StreamAccumulator,
} from './stream-accumulator';
export type {
  ErrorPart,
  FinishPart,
  FinishReason,
  ReasoningDeltaPart,
  StreamPart,
  StreamPartType,
  TextDeltaPart,
  ToolCallCompletePart,
  ToolCallDeltaPart,
  ToolCallStartPart,
  UsagePart,
} from './stream-part';
export { TimeoutError } from './timeout-error';
export type { ToolCall, ToolChoice, ToolDefinition } from './tool';
export { addUsage, EMPTY_USAGE, USAGE_FIELDS, type Usage } from './usage';
