/**
 * Per-message token counts for chat requests, additive so that history fitting can count each
 * message once: total = sum of message counts + reply priming + tool definitions.
 *
 * OpenAI (from the OpenAI cookbook, "How to count tokens with tiktoken"): every message costs
 * 3 tokens plus its role and content, a `name` 1 more plus the name, and 3 tokens prime the
 * reply. Tool definitions follow the cookbook's `num_tokens_for_tools`. Images and PDFs follow
 * the providers' published rules (see `media-tokens.ts`); tool calls and tool results have no
 * published formula and are estimated.
 *
 * Anthropic's tokenizer is not public: the estimate counts with o200k_base and scales by
 * {@link ANTHROPIC_ESTIMATE_FACTOR}.
 */
import {
  type FilePart,
  type ImagePart,
  InvalidArgumentError,
  type Message,
  type ToolDefinition,
} from '@keel/core';
import type { Encoding } from './encoding';
import { loadEncoding } from './load-encoding';
import { documentText, imageTokens, type MediaRule, pdfTokens } from './media-tokens';
import { getModel, type ModelInfo } from './model-catalogue';

/** A chat message; `name` is OpenAI's optional participant name. */
export type ChatMessage = Message & { name?: string };

/**
 * Multiplier from o200k_base counts to the Anthropic estimate. Claude's tokenizer yields more
 * tokens than o200k_base for the same text; the estimate is meant to err high.
 *
 * @example
 * ```ts
 * const roughClaudeTokens = Math.ceil(o200k.count(text) * ANTHROPIC_ESTIMATE_FACTOR);
 * ```
 */
export const ANTHROPIC_ESTIMATE_FACTOR = 1.3;
/**
 * The stated relative error bound of the Anthropic estimate (±30 %).
 *
 * @example
 * ```ts
 * const { tokens } = await countMessageTokens(messages, { model: 'claude-haiku-4-5' });
 * const worstCase = Math.ceil(tokens * (1 + ANTHROPIC_ESTIMATE_ERROR));
 * ```
 */
export const ANTHROPIC_ESTIMATE_ERROR = 0.3;

const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;
/** Anthropic's tool-use system prompt (documented at 346 tokens for Claude 4 models). */
const ANTHROPIC_TOOLS_PROMPT = 346;

/** Tool-definition overheads from the cookbook's `num_tokens_for_tools`. */
const TOOL_OVERHEADS = {
  o200k_base: { functionStart: 7, properties: 3, property: 3, enumStart: -3, enumItem: 3, end: 12 },
  cl100k_base: {
    functionStart: 10,
    properties: 3,
    property: 3,
    enumStart: -3,
    enumItem: 3,
    end: 12,
  },
} as const;

/** Counts for one model. */
export interface MessageCounter {
  readonly model: ModelInfo;
  /** Whether counts are exact for text (OpenAI) rather than estimated (Anthropic). */
  readonly exactText: boolean;
  /** Tokens of one message, and whether that count is exact. */
  message(message: ChatMessage): { tokens: number; exact: boolean };
  /** Tokens outside the messages: reply priming and tool definitions. */
  fixed(tools: readonly ToolDefinition[] | undefined): number;
}

function withoutFinalPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** Cookbook tool counting: `name:description`, then `key:type:description` per property. */
function toolTokens(
  encoding: Encoding,
  overheads: (typeof TOOL_OVERHEADS)[keyof typeof TOOL_OVERHEADS],
  tools: readonly ToolDefinition[],
): number {
  let total = 0;
  for (const tool of tools) {
    total += overheads.functionStart;
    total += encoding.count(`${tool.name}:${withoutFinalPeriod(tool.description ?? '')}`);
    const properties = (
      tool.inputSchema as { properties?: Record<string, Record<string, unknown>> }
    ).properties;
    const keys = Object.keys(properties ?? {});
    if (keys.length > 0) total += overheads.properties;
    for (const key of keys) {
      const property = properties?.[key] ?? {};
      total += overheads.property;
      if (Array.isArray(property.enum)) {
        total += overheads.enumStart;
        for (const item of property.enum)
          total += overheads.enumItem + encoding.count(stringify(item));
      }
      const description = withoutFinalPeriod(stringify(property.description ?? ''));
      total += encoding.count(`${key}:${stringify(property.type ?? '')}:${description}`);
    }
  }
  return tools.length > 0 ? total + overheads.end : 0;
}

/** Images and PDFs of a message, at `rule`'s published rates. */
function mediaTokens(media: ReadonlyArray<ImagePart | FilePart>, rule: MediaRule): number {
  return media.reduce(
    (sum, part) => sum + (part.type === 'image' ? imageTokens(part, rule) : pdfTokens(part)),
    0,
  );
}

/** Text of a message as sent, its images and PDFs, and whether its count would be exact. */
function messageParts(message: ChatMessage): {
  texts: string[];
  media: Array<ImagePart | FilePart>;
  exact: boolean;
} {
  if (typeof message.content === 'string')
    return { texts: [message.content], media: [], exact: true };
  const texts: string[] = [];
  const media: Array<ImagePart | FilePart> = [];
  let exact = true;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        break;
      case 'image':
        media.push(part);
        exact = false;
        break;
      case 'file': {
        const text = documentText(part);
        if (text === undefined) media.push(part);
        else texts.push(text);
        exact = false;
        break;
      }
      case 'tool-call':
        texts.push(part.toolName, stringify(part.input));
        exact = false;
        break;
      case 'tool-result':
        texts.push(stringify(part.output));
        exact = false;
        break;
      case 'reasoning':
        texts.push(part.text);
        exact = false;
        break;
    }
  }
  return { texts, media, exact };
}

function assertMessage(message: unknown, index: number): asserts message is ChatMessage {
  const record = message as { role?: unknown; content?: unknown } | null;
  const validRole = ['system', 'user', 'assistant', 'tool'].includes(String(record?.role));
  if (
    record === null ||
    typeof record !== 'object' ||
    !validRole ||
    (typeof record.content !== 'string' && !Array.isArray(record.content))
  ) {
    throw new InvalidArgumentError({
      argument: `messages[${index}]`,
      message: `messages[${index}] must be { role: 'system' | 'user' | 'assistant' | 'tool', content: string | parts[] }`,
    });
  }
}

/** Checks a message list, naming the first bad entry. */
export function assertMessages(messages: unknown): asserts messages is ChatMessage[] {
  if (!Array.isArray(messages)) {
    throw new InvalidArgumentError({
      argument: 'messages',
      message: `messages must be an array of chat messages, got ${typeof messages}`,
    });
  }
  messages.forEach(assertMessage);
}

/**
 * The counter for a model: exact OpenAI counting for o200k_base and cl100k_base models, the
 * o200k_base-based estimate for Anthropic models.
 *
 * @throws ModelNotFoundError for a model not in the catalogue.
 * @throws InvalidArgumentError for a model whose tokenizer cannot be counted or estimated.
 */
export async function createMessageCounter(modelId: string): Promise<MessageCounter> {
  const model = getModel(modelId);
  const { tokenizer } = model;
  if (tokenizer === 'o200k_base' || tokenizer === 'cl100k_base') {
    const encoding = await loadEncoding(tokenizer);
    return {
      model,
      exactText: true,
      message(message) {
        const { texts, media, exact } = messageParts(message);
        let tokens =
          TOKENS_PER_MESSAGE + encoding.count(message.role) + mediaTokens(media, 'openai');
        for (const text of texts) tokens += encoding.count(text);
        if (message.name !== undefined) tokens += TOKENS_PER_NAME + encoding.count(message.name);
        return { tokens, exact };
      },
      fixed: (tools) =>
        REPLY_PRIMING + toolTokens(encoding, TOOL_OVERHEADS[tokenizer], tools ?? []),
    };
  }
  if (tokenizer === 'anthropic') {
    const encoding = await loadEncoding('o200k_base');
    const scale = (tokens: number) => Math.ceil(tokens * ANTHROPIC_ESTIMATE_FACTOR);
    return {
      model,
      exactText: false,
      message(message) {
        const { texts, media } = messageParts(message);
        let tokens = TOKENS_PER_MESSAGE;
        for (const text of texts) tokens += encoding.count(text);
        return { tokens: scale(tokens) + mediaTokens(media, 'anthropic'), exact: false };
      },
      fixed(tools) {
        if (tools === undefined || tools.length === 0) return REPLY_PRIMING;
        const definitions = tools.reduce(
          (sum, tool) =>
            sum +
            encoding.count(`${tool.name}${tool.description}${JSON.stringify(tool.inputSchema)}`),
          0,
        );
        return REPLY_PRIMING + ANTHROPIC_TOOLS_PROMPT + scale(definitions);
      },
    };
  }
  throw new InvalidArgumentError({
    argument: 'model',
    message: `"${model.id}" uses a tokenizer @keel/tokens does not bundle, so its messages cannot be counted; count with { model: 'gpt-4o' } for an approximation`,
  });
}
