/**
 * Attribute and metric names: OpenTelemetry's GenAI semantic conventions where they define one
 * (status "Development", checked against semantic-conventions-genai in November 2026), and
 * `keel.*` names for what they do not cover. Plain data, so dashboards can import the names.
 */

/** GenAI semantic-convention attribute names Keel sets on spans and metrics. */
export const GEN_AI = Object.freeze({
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestTopK: 'gen_ai.request.top_k',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  retrievalQueryText: 'gen_ai.retrieval.query.text',
  tokenType: 'gen_ai.token.type',
  errorType: 'error.type',
});

/** Keel's own attribute names, for what the GenAI conventions do not define. */
export const KEEL = Object.freeze({
  costUsd: 'keel.cost_usd',
  promptId: 'keel.prompt.id',
  attempts: 'keel.attempts',
  timeToFirstTokenMs: 'keel.time_to_first_token_ms',
  userId: 'keel.user.id',
  tenantId: 'keel.tenant.id',
  feature: 'keel.feature',
  outcome: 'keel.outcome',
  toolEffect: 'keel.tool.effect',
  toolDecision: 'keel.tool.decision',
  toolArgumentsDigest: 'keel.tool.arguments_digest',
  toolResultTokens: 'keel.tool.result_tokens',
  toolResultBytes: 'keel.tool.result_bytes',
  toolTruncated: 'keel.tool.truncated',
  retrievalMode: 'keel.retrieval.mode',
  retrievalResultCount: 'keel.retrieval.result_count',
  retrievalTopScore: 'keel.retrieval.top_score',
  outputGuardKind: 'keel.output_guard.kind',
  outputGuardRule: 'keel.output_guard.rule',
});

/** Metric names: the GenAI client metrics, then Keel's counters and gauges. */
export const METRICS = Object.freeze({
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  toolDuration: 'gen_ai.execute_tool.duration',
  tokens: 'keel.tokens',
  cost: 'keel.cost',
  calls: 'keel.calls',
  errors: 'keel.errors',
  retries: 'keel.retries',
  retrievalDuration: 'keel.retrieval.duration',
  breakerState: 'keel.breaker.state',
  outputGuardDecisions: 'keel.output_guard.decisions',
});
