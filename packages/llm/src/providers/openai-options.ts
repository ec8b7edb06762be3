/**
 * The provider options both OpenAI APIs spell the same way.
 */
import type { ProviderOptions } from '@keel/core';

/** `service_tier`, `prompt_cache_key`, `parallel_tool_calls` and `safety_identifier`, when given. */
export function openAIOptions(options: ProviderOptions) {
  const { serviceTier, promptCacheKey, parallelToolCalls, safetyIdentifier } = options;
  return {
    ...(serviceTier !== undefined && { service_tier: serviceTier }),
    ...(promptCacheKey !== undefined && { prompt_cache_key: promptCacheKey }),
    ...(parallelToolCalls !== undefined && { parallel_tool_calls: parallelToolCalls }),
    ...(safetyIdentifier !== undefined && { safety_identifier: safetyIdentifier }),
  };
}
