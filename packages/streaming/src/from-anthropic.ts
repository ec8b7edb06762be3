/**
 * Anthropic Messages streams (`message_start` … `message_stop`) to StreamParts.
 */
import {
  type AnthropicUsage,
  type Citation,
  type FinishReason,
  normalizeAnthropicUsage,
  type StreamPart,
  type Usage,
} from '@keel/core';
import {
  adaptStream,
  type ProviderStreamSource,
  type StreamAdapterOptions,
  type StreamProtocol,
} from './adapt-stream';
import type { EventLayoutRules } from './learned-layouts';
import type { PartWriter } from './part-writer';
import { ProviderStreamError } from './provider-stream-error';
import { StreamTruncatedError } from './stream-truncated-error';

/** `stop_reason` to {@link FinishReason}; anything else is `stop`, with the original kept. */
const stopReasons: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
};

interface ContentBlock {
  type?: string;
  id?: string;
  name?: string;
  text?: string;
  thinking?: string;
  input?: unknown;
  /** A server tool result's call. */
  tool_use_id?: string;
  content?: unknown;
}

/** A citation as Anthropic sends it (`citations_delta`). */
interface WireCitation {
  type?: string;
  cited_text?: string;
  url?: string;
  title?: string | null;
  document_index?: number;
  document_title?: string | null;
  start_char_index?: number;
  end_char_index?: number;
  start_page_number?: number;
  end_page_number?: number;
}

interface Delta {
  type?: string;
  text?: string;
  partial_json?: string;
  thinking?: string;
  signature?: string;
  citation?: WireCitation;
  stop_reason?: string | null;
}

/** A citation in Keel's terms; fields the provider did not send are left out. */
function toCitation(wire: WireCitation): Citation {
  const title = wire.title ?? wire.document_title ?? undefined;
  const optional = {
    url: wire.url,
    title,
    documentIndex: wire.document_index,
    startCharIndex: wire.start_char_index,
    endCharIndex: wire.end_char_index,
    startPageNumber: wire.start_page_number,
    endPageNumber: wire.end_page_number,
  };
  return {
    citedText: wire.cited_text ?? '',
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value != null)),
    providerType: wire.type ?? 'unknown',
  };
}

/** A server tool result reports a failure as content of a `..._error` type. */
function isToolError(content: unknown): boolean {
  const type = (content as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.endsWith('_error');
}

/** A provider-run tool's call while its input streams. */
interface ServerCall {
  id: string;
  name: string;
  json: string;
  input: unknown;
}

/** A `usage` object as a stream event carries it: any field may be absent or null. */
type UsageUpdate = { [Field in keyof AnthropicUsage]?: AnthropicUsage[Field] | null };

interface AnthropicEvent {
  type?: string;
  index?: number;
  /** Its `usage` is absent in some streams (seen with extended thinking). */
  message?: { usage?: UsageUpdate | null };
  content_block?: ContentBlock;
  delta?: Delta;
  usage?: UsageUpdate | null;
  error?: { type?: string; message?: string };
}

const TERMINAL = 'message_stop';

/** The member of each content delta type that carries its text. */
const deltaText: ReadonlyMap<string | undefined, 'text' | 'thinking' | 'partial_json'> = new Map([
  ['text_delta', 'text'],
  ['thinking_delta', 'thinking'],
  ['input_json_delta', 'partial_json'],
]);

/**
 * Content deltas are most of a stream's events, and the adapter reads all of each: only the
 * text, thinking or partial JSON varies between the deltas of one block.
 */
const layout: EventLayoutRules = {
  reads: () => true,
  hole(payload) {
    const { type, delta } = payload as AnthropicEvent;
    if (type !== 'content_block_delta' || typeof delta !== 'object' || delta === null) {
      return undefined;
    }
    const member = deltaText.get(delta.type);
    return member !== undefined && typeof delta[member] === 'string'
      ? ['delta', member]
      : undefined;
  },
};

function anthropicProtocol(writer: PartWriter): StreamProtocol {
  /** The type of each open content block, by index. */
  const blocks = new Map<number, string>();
  /** Open server tool calls, by index. */
  const serverCalls = new Map<number, ServerCall>();
  /** Server tool names, by call id, for their results. */
  const serverToolNames = new Map<string, string>();
  /** Every usage field as last reported (`message_delta` counts are cumulative). */
  const usage: Partial<AnthropicUsage> = {};
  let stopReason: string | undefined;

  function blockStart(index: number, block: ContentBlock): void {
    const type = block.type ?? '';
    blocks.set(index, type);
    if (type === 'tool_use') writer.toolCallStart(String(index), block.id ?? '', block.name ?? '');
    else if (type === 'text') writer.text(block.text ?? '');
    else if (type === 'thinking') writer.reasoning(block.thinking ?? '');
    else if (type === 'server_tool_use') {
      const id = block.id ?? '';
      const name = block.name ?? '';
      serverToolNames.set(id, name);
      serverCalls.set(index, { id, name, json: '', input: block.input ?? {} });
    } else if (type.endsWith('_tool_result')) {
      const toolCallId = block.tool_use_id ?? '';
      writer.whole({
        type: 'server-tool-result',
        toolCallId,
        toolName: serverToolNames.get(toolCallId) ?? type.slice(0, -'_tool_result'.length),
        resultType: type,
        output: block.content,
        isError: isToolError(block.content),
      });
    } else writer.unknownEvent();
  }

  /** A server tool call is complete: its input is the streamed JSON, else the start's. */
  function serverCallEnd(call: ServerCall): void {
    let input = call.input;
    try {
      if (call.json.trim() !== '') input = JSON.parse(call.json);
    } catch {
      // The provider ran the tool with what it streamed: keep the text rather than lose it.
      input = call.json;
    }
    writer.whole({ type: 'server-tool-call', toolCallId: call.id, toolName: call.name, input });
  }

  function blockDelta(index: number, delta: Delta): void {
    switch (delta.type) {
      case 'text_delta':
        writer.text(delta.text ?? '');
        return;
      case 'thinking_delta':
        writer.reasoning(delta.thinking ?? '');
        return;
      case 'signature_delta':
        writer.reasoning('', delta.signature ?? '');
        return;
      case 'input_json_delta':
        toolInputDelta(index, delta.partial_json ?? '');
        return;
      case 'citations_delta':
        if (delta.citation)
          writer.whole({ type: 'citation', citation: toCitation(delta.citation) });
        return;
      default:
        writer.unknownEvent();
    }
  }

  function toolInputDelta(index: number, json: string): void {
    // Server tools (web search, code execution) stream inputs too: kept for their call part.
    const serverCall = serverCalls.get(index);
    if (serverCall !== undefined) serverCall.json += json;
    else if (blocks.get(index) === 'tool_use') writer.toolCallDelta(String(index), json);
  }

  /**
   * Takes the latest value of each field `update` carries (a `message_delta` may revise the input
   * and cache counts of `message_start`); absent and null fields keep the value they had. Counts
   * never reported are 0, as {@link Usage} has it.
   */
  function mergeUsage(update: UsageUpdate): Usage {
    for (const [field, value] of Object.entries(update)) {
      if (value !== null && value !== undefined) (usage as Record<string, unknown>)[field] = value;
    }
    return normalizeAnthropicUsage({ input_tokens: 0, output_tokens: 0, ...usage });
  }

  return {
    provider: 'anthropic',
    terminal: TERMINAL,
    chunk(payload) {
      const event = payload as AnthropicEvent;
      const index = event.index ?? 0;
      switch (event.type) {
        case 'message_start': {
          const known = event.message?.usage;
          if (known) writer.noteUsage(mergeUsage(known));
          return;
        }
        case 'content_block_start':
          blockStart(index, event.content_block ?? {});
          return;
        case 'content_block_delta':
          blockDelta(index, event.delta ?? {});
          return;
        case 'content_block_stop': {
          if (blocks.get(index) === 'tool_use') writer.toolCallEnd(String(index));
          const serverCall = serverCalls.get(index);
          if (serverCall !== undefined) serverCallEnd(serverCall);
          serverCalls.delete(index);
          blocks.delete(index);
          return;
        }
        case 'message_delta':
          stopReason = event.delta?.stop_reason ?? stopReason;
          writer.emitUsage(mergeUsage(event.usage ?? {}));
          return;
        case 'message_stop':
          writer.finish(
            stopReason === undefined ? 'stop' : (stopReasons[stopReason] ?? 'stop'),
            stopReason,
          );
          return;
        case 'ping':
          return;
        case 'error':
          throw new ProviderStreamError({
            provider: 'anthropic',
            type: event.error?.type ?? 'error',
            message: event.error?.message ?? '',
            raw: payload,
          });
        default:
          writer.unknownEvent();
      }
    },
    layout,
    done() {},
    end() {
      throw new StreamTruncatedError({ expected: TERMINAL });
    },
  };
}

/**
 * Adapts an Anthropic Messages stream to StreamParts: `text_delta`, `thinking_delta` (as
 * reasoning) with its `signature_delta`, `tool_use` blocks from `input_json_delta` (completed at
 * `content_block_stop`), server tools (`server_tool_use` as a `server-tool-call` once its input
 * is complete, every `..._tool_result` block as a `server-tool-result`), `citations_delta` as
 * `citation` parts (other block and delta types are counted in the stats' `unknownEvents`), usage from `message_delta` merged over `message_start` field by field (cache and
 * thinking tokens included; a `message_start` without usage is fine), `stop_reason` mapped to a {@link FinishReason}. Pings are skipped; an in-band
 * `error` event ends with a {@link ProviderStreamError}; a stream without `message_stop` with a
 * {@link StreamTruncatedError}.
 *
 * @example
 * ```ts
 * const stream = await anthropic.messages.create({ model, max_tokens: 1024, messages, stream: true });
 * for await (const part of fromAnthropic(stream)) {
 *   if (part.type === 'tool-call') await runTool(part.toolName, part.input);
 * }
 * ```
 */
export function fromAnthropic(
  source: ProviderStreamSource,
  options: StreamAdapterOptions = {},
): AsyncIterableIterator<StreamPart> {
  return adaptStream(source, anthropicProtocol, options);
}
