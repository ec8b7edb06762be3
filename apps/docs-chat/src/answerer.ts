/**
 * Which model answers, chosen from the configuration: the offline answerer, OpenAI, any
 * OpenAI-compatible server (Ollama, vLLM, llama.cpp) or Anthropic. Real models get retries
 * with a shared retry budget, one circuit breaker, timeouts, the user's budget, and the offline
 * answerer as the fallback when the provider fails before answering. With Redis the breaker
 * and the retry budget are shared by every replica: one outage, one breaker, one budget. The
 * offline answerer alone spends no budget: nothing bills it.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { ChatModel, ChatRequest, Instrumentation, Message } from '@keel/core';
import { createAnthropicModel, createOpenAIModel, type ModelOptions } from '@keel/llm';
import type { BreakerLike } from '@keel/observability';
import { circuitBreaker, retryBudget } from '@keel/resilience';
import { redisCircuitBreaker, redisRetryBudget } from '@keel/resilience/redis';
import type { PackedChunk } from '@keel/retrieval';
import {
  type Budget,
  type CallEstimate,
  countMessageTokens,
  getModel,
  type ModelPrices,
} from '@keel/tokens';
import OpenAI from 'openai';
import type { AnswerMode } from './chat-events';
import type { Config } from './config';
import { createOfflineModel, defineOfflineModel, OFFLINE_MODEL_ID } from './offline-model';
import type { SharedRedis } from './redis-connection';

/** What one turn's model is built from. */
export interface TurnModelOptions {
  question: string;
  sources: () => readonly PackedChunk[];
  /** The user's budget; a real model's calls spend from it (the offline answerer's do not). */
  budget?: Budget;
  /** Called when the offline answerer takes over from a failed real model. */
  onFallback?: () => void;
}

/** The answerer of the app. */
export interface Answerer {
  readonly mode: AnswerMode;
  /** The model id the answers come from. */
  readonly model: string;
  /** A model for one turn (it closes over the turn's question, sources and budget). */
  forTurn(options: TurnModelOptions): ChatModel;
  /**
   * What a call of `request` holds on the user's budget before it is made, as `@keel/llm`
   * reserves it (the prompt's tokens, upper bound; the output allowance; the model's prices).
   * Absent when the answerer spends no budget (offline mode).
   */
  estimate?(request: ChatRequest): Promise<CallEstimate>;
  /**
   * The model memory summarises and extracts facts with: the same client, retries, breaker and
   * ledger as the answers, without the offline fallback or a user's budget. Absent offline
   * (memory then summarises and extracts without a model).
   */
  memoryModel?: ChatModel;
  /** The provider's circuit breaker, shared by every turn (absent offline). */
  readonly breaker?: BreakerLike;
}

/**
 * The model whose tokenizer counts `model`'s tokens: itself when the catalogue knows it, else
 * gpt-4o's, as `@keel/llm` counts a model it does not know.
 */
export function countingModel(model: string): string {
  try {
    return getModel(model).id;
  } catch {
    return 'gpt-4o';
  }
}

/** What a call of `request` on `model` (at `prices`, else the catalogue's) holds on a budget. */
async function estimateCall(
  model: string,
  prices: ModelPrices | undefined,
  request: ChatRequest,
): Promise<CallEstimate> {
  const messages: Message[] = request.system
    ? [{ role: 'system', content: request.system }, ...request.messages]
    : request.messages;
  const count = await countMessageTokens(messages, {
    model: countingModel(model),
    ...(request.tools && { tools: request.tools }),
  });
  return {
    model,
    inputTokens: count.upperBound,
    ...(request.maxTokens !== undefined && { maxOutputTokens: request.maxTokens }),
    ...(prices && { prices }),
  };
}

/** The mode the configuration selects. */
export function answerMode(config: Config): AnswerMode {
  const { provider, openai, anthropic } = config;
  if (provider === 'offline') return 'offline';
  if (provider === 'anthropic') return 'anthropic';
  const openaiMode = openai.baseURL ? 'openai-compatible' : 'openai';
  if (provider === 'openai') return openaiMode;
  if (openai.apiKey || openai.baseURL) return openaiMode;
  if (anthropic.apiKey) return 'anthropic';
  return 'offline';
}

/** Creates the answerer the configuration selects. */
export function createAnswerer(
  config: Config,
  { instrumentation, redis }: { instrumentation: Instrumentation; redis?: SharedRedis },
): Answerer {
  const mode = answerMode(config);
  defineOfflineModel();
  const offline = ({ onFallback, budget: _, ...options }: TurnModelOptions, fallback: boolean) =>
    createOfflineModel({
      ...options,
      paceMs: config.offlinePaceMs,
      fallback,
      allowedHosts: config.allowedHosts,
      // A fallback runs inside @keel/llm's call, which reports it and settles what it
      // processed on the budget: reporting it here too would bill its tokens twice.
      ...(!fallback && { instrumentation }),
      ...(fallback && onFallback && { onStart: onFallback }),
    });
  if (mode === 'offline') {
    return { mode, model: OFFLINE_MODEL_ID, forTurn: (options) => offline(options, false) };
  }
  const key = mode;
  const breaker = redis
    ? redisCircuitBreaker({ ...redis, key, halfOpenAfterMs: 15_000 })
    : circuitBreaker({ key, halfOpenAfterMs: 15_000 });
  const shared: ModelOptions = {
    retry: {
      maxAttempts: 3,
      baseDelayMs: 250,
      maxDelayMs: 4_000,
      // A longer Retry-After (an open breaker's remaining pause, a provider's 429) is not
      // waited for: the offline answerer takes over at once.
      maxRetryAfterMs: 4_000,
      budget: redis ? redisRetryBudget({ ...redis, key }) : retryBudget(),
    },
    breaker,
    timeouts: { firstByteMs: 30_000, idleMs: 30_000, totalMs: 180_000 },
    instrumentation,
  };
  if (mode === 'anthropic') {
    const { apiKey, baseURL, model } = config.anthropic;
    const client = new Anthropic({ apiKey, ...(baseURL && { baseURL }), maxRetries: 0 });
    return {
      mode,
      model,
      breaker,
      memoryModel: createAnthropicModel({ ...shared, model, client }),
      forTurn: (options) =>
        createAnthropicModel({
          ...shared,
          model,
          client,
          ...(options.budget && { budget: options.budget }),
          fallbacks: [offline(options, true)],
        }),
      estimate: (request) => estimateCall(model, undefined, request),
    };
  }
  const { apiKey, baseURL, model } = config.openai;
  // A local server without a key is free.
  const prices = mode === 'openai-compatible' && !apiKey ? { input: 0, output: 0 } : undefined;
  // A local server takes any key; the SDK insists on one.
  const client = new OpenAI({
    apiKey: apiKey ?? 'unused',
    ...(baseURL && { baseURL }),
    maxRetries: 0,
  });
  const openaiOptions = {
    ...shared,
    model,
    client,
    ...(mode === 'openai-compatible' && {
      provider: 'openai-compatible',
      ...(prices && { prices }),
    }),
  };
  return {
    mode,
    model,
    breaker,
    memoryModel: createOpenAIModel(openaiOptions),
    forTurn: (options) =>
      createOpenAIModel({
        ...openaiOptions,
        ...(options.budget && { budget: options.budget }),
        fallbacks: [offline(options, true)],
      }),
    estimate: (request) => estimateCall(model, prices, request),
  };
}
