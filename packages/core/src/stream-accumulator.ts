/**
 * The one fold of stream parts into what a call produced: text, reasoning, tool calls, usage
 * and its cost, how it finished. `collect`, the agent loop's model turn and `@keel/llm` all
 * read a stream through it, so they agree on every figure.
 */
import type {
  Citation,
  FinishReason,
  ServerToolCallPart,
  ServerToolResultPart,
  StreamPart,
  TokenLogprob,
} from './stream-part';
import type { ToolCall } from './tool';
import { EMPTY_USAGE, type Usage } from './usage';

/** What the parts seen so far add up to. */
export interface AccumulatedStream {
  /** All text deltas, joined. */
  text: string;
  /** All reasoning deltas, joined. */
  reasoning: string;
  /** The last reasoning signature (Anthropic), to send back with the reasoning. */
  reasoningSignature: string | undefined;
  /** Completed tool calls with parsed input, in order. */
  toolCalls: ToolCall[];
  /** Citations of the answer's text, in order. */
  citations: Citation[];
  /** Tools the provider ran itself, in order. */
  serverToolCalls: Omit<ServerToolCallPart, 'type'>[];
  /** Their results, in order. */
  serverToolResults: Omit<ServerToolResultPart, 'type'>[];
  /** Log probabilities of the output tokens, when they were requested. */
  logprobs: TokenLogprob[];
  /** The last usage reported (usage parts are running totals), or zeros. */
  usage: Usage;
  /** The cost of the last usage as the model priced it; `undefined` when it gave none. */
  costUsd: number | undefined;
  /** The `finish` part's reason; `undefined` until it arrives. */
  finishReason: FinishReason | undefined;
  /** The provider's own finish reason, when it gave one. */
  providerFinishReason: string | undefined;
  /** The errors of `error` parts, in order. */
  errors: unknown[];
}

/** Folds parts, one at a time, into {@link AccumulatedStream}. */
export interface StreamAccumulator {
  /** The running result; the same object after every {@link StreamAccumulator.add}. */
  readonly result: Readonly<AccumulatedStream>;
  /** Adds one part. */
  add(part: StreamPart): void;
}

/**
 * Starts an empty fold of stream parts.
 *
 * @example
 * ```ts
 * const acc = createStreamAccumulator();
 * for await (const part of model.stream(request)) acc.add(part);
 * console.log(acc.result.text, acc.result.usage.outputTokens, acc.result.costUsd);
 * ```
 */
export function createStreamAccumulator(): StreamAccumulator {
  const result: AccumulatedStream = {
    text: '',
    reasoning: '',
    reasoningSignature: undefined,
    toolCalls: [],
    citations: [],
    serverToolCalls: [],
    serverToolResults: [],
    logprobs: [],
    usage: EMPTY_USAGE,
    costUsd: undefined,
    finishReason: undefined,
    providerFinishReason: undefined,
    errors: [],
  };
  return {
    result,
    add(part) {
      switch (part.type) {
        case 'text-delta':
          result.text += part.text;
          break;
        case 'reasoning-delta':
          result.reasoning += part.text;
          if (part.signature !== undefined) result.reasoningSignature = part.signature;
          break;
        case 'tool-call':
          result.toolCalls.push({
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
          });
          break;
        case 'server-tool-call': {
          const { type: _, ...call } = part;
          result.serverToolCalls.push(call);
          break;
        }
        case 'server-tool-result': {
          const { type: _, ...toolResult } = part;
          result.serverToolResults.push(toolResult);
          break;
        }
        case 'citation':
          result.citations.push(part.citation);
          break;
        case 'logprobs':
          result.logprobs.push(...part.tokens);
          break;
        case 'usage':
          result.usage = part.usage;
          result.costUsd = part.costUsd;
          break;
        case 'error':
          result.errors.push(part.error);
          break;
        case 'finish':
          result.finishReason = part.reason;
          result.providerFinishReason = part.providerReason;
          break;
        default: // starts and deltas of tool calls are summed up by their `tool-call`
      }
    },
  };
}
