/**
 * Which provider options each API takes, as data, and the check every driver makes before it
 * builds a request: an option its API does not take, a value out of range or a combination the
 * provider refuses is an error before anything is sent, never an option dropped.
 */
import { type ChatRequest, InvalidArgumentError, type ProviderOptions } from '@keel/core';
import { UnsupportedOptionError } from '../unsupported-option-error';

/** The provider APIs Keel drives. */
export type ProviderApi = 'openai-chat' | 'openai-responses' | 'anthropic';

type Option = keyof ProviderOptions;

const OPENAI_COMMON: readonly Option[] = [
  'reasoningEffort',
  'serviceTier',
  'promptCacheKey',
  'parallelToolCalls',
  'logprobs',
  'safetyIdentifier',
];

/** The options each API takes. */
const SUPPORTED: Readonly<Record<ProviderApi, ReadonlySet<Option>>> = {
  'openai-chat': new Set([...OPENAI_COMMON, 'seed']),
  'openai-responses': new Set(OPENAI_COMMON),
  anthropic: new Set(['thinking', 'serviceTier', 'parallelToolCalls', 'serverTools']),
};

/** What to use instead, when another option does the same on this API. */
const INSTEAD: Partial<Record<ProviderApi, Partial<Record<Option, string>>>> = {
  'openai-chat': { thinking: 'use reasoningEffort' },
  'openai-responses': {
    thinking: 'use reasoningEffort',
    seed: "drop seed or use api: 'chat'",
  },
  anthropic: { reasoningEffort: 'use thinking: { budgetTokens }' },
};

/** Service tiers each API takes. */
const SERVICE_TIERS: Readonly<Record<ProviderApi, ReadonlySet<string>>> = {
  'openai-chat': new Set(['auto', 'default', 'flex', 'priority']),
  'openai-responses': new Set(['auto', 'default', 'flex', 'priority']),
  anthropic: new Set(['auto', 'default']),
};

const REASONING_EFFORTS = new Set(['minimal', 'low', 'medium', 'high']);
/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1_024;
const MAX_TOP_LOGPROBS = 20;

function unsupported(api: ProviderApi, option: string, message: string): UnsupportedOptionError {
  return new UnsupportedOptionError({ provider: api, option, message });
}

function invalid(option: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: `request.providerOptions.${option}`, message });
}

const isWhole = (value: unknown, min: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min;

/** Each option's own value, whatever the provider. */
function assertValues(
  options: ProviderOptions,
  maxTokens: number | undefined,
  hasTools: boolean,
): void {
  const { reasoningEffort, thinking, seed, promptCacheKey, logprobs, parallelToolCalls } = options;
  if (reasoningEffort !== undefined && !REASONING_EFFORTS.has(reasoningEffort)) {
    throw invalid(
      'reasoningEffort',
      `reasoningEffort must be minimal, low, medium or high, got ${reasoningEffort}`,
    );
  }
  if (thinking !== undefined) {
    const budget = thinking?.budgetTokens;
    if (!isWhole(budget, MIN_THINKING_BUDGET)) {
      throw invalid(
        'thinking',
        `thinking.budgetTokens must be a whole number >= ${MIN_THINKING_BUDGET}, got ${budget}`,
      );
    }
    if (maxTokens !== undefined && budget >= maxTokens) {
      throw invalid(
        'thinking',
        `thinking.budgetTokens (${budget}) must be less than maxTokens (${maxTokens}): the thinking is part of the output; raise maxTokens or lower the budget`,
      );
    }
  }
  if (parallelToolCalls !== undefined && typeof parallelToolCalls !== 'boolean') {
    throw invalid(
      'parallelToolCalls',
      `parallelToolCalls must be true or false, got ${parallelToolCalls}`,
    );
  }
  if (parallelToolCalls !== undefined && !hasTools) {
    throw invalid(
      'parallelToolCalls',
      'parallelToolCalls only applies to a request with tools; drop it or pass tools',
    );
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw invalid('seed', `seed must be a whole number, got ${seed}`);
  }
  if (
    promptCacheKey !== undefined &&
    (typeof promptCacheKey !== 'string' || promptCacheKey === '')
  ) {
    throw invalid('promptCacheKey', 'promptCacheKey must be a non-empty string');
  }
  if (logprobs !== undefined && !(isWhole(logprobs, 0) && logprobs <= MAX_TOP_LOGPROBS)) {
    throw invalid(
      'logprobs',
      `logprobs must be a whole number from 0 to ${MAX_TOP_LOGPROBS}, got ${logprobs}`,
    );
  }
  for (const [index, tool] of (options.serverTools ?? []).entries()) {
    const valid =
      tool?.type === 'code-execution' ||
      (tool?.type === 'web-search' && (tool.maxUses === undefined || isWhole(tool.maxUses, 1)));
    if (!valid) {
      throw invalid(
        `serverTools[${index}]`,
        "serverTools entries are { type: 'web-search', maxUses?: whole number >= 1 } or { type: 'code-execution' }",
      );
    }
  }
}

/**
 * What Anthropic refuses with extended thinking: a changed temperature or a low top_p, and a
 * forced tool (which JSON output with a schema uses).
 */
function assertThinkingCompatible(request: ChatRequest): void {
  const refuse = (option: string, what: string) =>
    unsupported(
      'anthropic',
      option,
      `Anthropic extended thinking cannot be combined with ${what}; drop one of them`,
    );
  if (request.temperature !== undefined && request.temperature !== 1)
    throw refuse('temperature', 'a temperature other than 1');
  if (request.topP !== undefined && request.topP < 0.95) throw refuse('topP', 'topP below 0.95');
  if (request.responseFormat?.schema !== undefined)
    throw refuse('responseFormat', 'JSON output with a schema (a forced tool)');
  if (
    request.toolChoice !== undefined &&
    request.toolChoice !== 'auto' &&
    request.toolChoice !== 'none'
  ) {
    throw refuse('toolChoice', "a tool choice other than 'auto' or 'none'");
  }
}

/**
 * Checks `request.providerOptions` for `api`, with the output limit that will be sent.
 *
 * @throws UnsupportedOptionError for an option (or value, or combination) `api` does not take.
 * @throws InvalidArgumentError for a value out of range.
 */
export function assertProviderOptions(
  api: ProviderApi,
  request: ChatRequest,
  maxTokens: number | undefined,
): void {
  const options = request.providerOptions;
  if (options === undefined) return;
  for (const [option, value] of Object.entries(options) as [Option, unknown][]) {
    if (value === undefined || SUPPORTED[api].has(option)) continue;
    const instead = INSTEAD[api]?.[option] ?? 'drop it for this model';
    throw unsupported(
      api,
      `providerOptions.${option}`,
      `The ${api} API has no ${option} option; ${instead}`,
    );
  }
  assertValues(options, maxTokens, (request.tools?.length ?? 0) > 0);
  if (options.serviceTier !== undefined && !SERVICE_TIERS[api].has(options.serviceTier)) {
    throw unsupported(
      api,
      'providerOptions.serviceTier',
      `The ${api} API takes serviceTier ${[...SERVICE_TIERS[api]].join(' or ')}, not ${options.serviceTier}`,
    );
  }
  if (api === 'anthropic' && options.thinking !== undefined) assertThinkingCompatible(request);
}
