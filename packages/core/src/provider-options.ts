/**
 * The provider's own request options, typed once for every provider. Each model checks the
 * options it is given before sending and refuses (with a typed error) any it cannot honour:
 * an option is never dropped silently.
 */

/** How hard a reasoning model thinks before it answers (OpenAI `reasoning_effort`). */
export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

/** Processing tier (OpenAI `service_tier`; Anthropic takes `auto` and `default`). */
export type ServiceTier = 'auto' | 'default' | 'flex' | 'priority';

/**
 * A tool the provider runs itself, on its own servers (Anthropic web search and code
 * execution). Its calls and results stream as `server-tool-call` and `server-tool-result`
 * parts; the application runs nothing.
 */
export type ServerTool =
  | {
      type: 'web-search';
      /** The most searches one request may make. */
      maxUses?: number;
      /** Only search these domains. */
      allowedDomains?: string[];
      /** Never search these domains. */
      blockedDomains?: string[];
    }
  | { type: 'code-execution' };

/**
 * Options a provider offers beyond the common request fields.
 *
 * | option | OpenAI Chat | OpenAI Responses | Anthropic |
 * | --- | --- | --- | --- |
 * | `reasoningEffort` | `reasoning_effort` | `reasoning.effort` | — |
 * | `thinking` | — | — | `thinking` |
 * | `seed` | `seed` | — | — |
 * | `serviceTier` | `service_tier` | `service_tier` | `service_tier` (`auto`, `default`) |
 * | `promptCacheKey` | `prompt_cache_key` | `prompt_cache_key` | — |
 * | `parallelToolCalls` | `parallel_tool_calls` | `parallel_tool_calls` | `disable_parallel_tool_use` |
 * | `logprobs` | `logprobs` + `top_logprobs` | `top_logprobs` | — |
 * | `safetyIdentifier` | `safety_identifier` | `safety_identifier` | — |
 * | `serverTools` | — | — | `web_search`, `code_execution` tools |
 *
 * The end user's id goes in `ChatRequest.metadata.userId` (OpenAI `user`, Anthropic
 * `metadata.user_id`).
 *
 * @example
 * ```ts
 * await model.generate({
 *   messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }],
 *   maxTokens: 8_000,
 *   providerOptions: { thinking: { budgetTokens: 4_000 } },
 * });
 * ```
 */
export interface ProviderOptions {
  reasoningEffort?: ReasoningEffort;
  /**
   * Extended thinking with a token budget: at least 1,024 and less than `maxTokens`, since the
   * thinking is part of the output the limit and the budgets hold.
   */
  thinking?: { budgetTokens: number };
  /** Best-effort deterministic sampling. */
  seed?: number;
  serviceTier?: ServiceTier;
  /** Groups requests that share a prefix so they hit the same prompt cache. */
  promptCacheKey?: string;
  /** `false` asks for at most one tool call per turn. */
  parallelToolCalls?: boolean;
  /** Log probabilities of the output tokens, with this many alternatives each (0 to 20). */
  logprobs?: number;
  /** A stable, hashed id of the end user, for the provider's abuse detection. */
  safetyIdentifier?: string;
  serverTools?: ServerTool[];
}
