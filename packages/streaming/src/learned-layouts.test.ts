/**
 * The layouts the adapters read without JSON.parse give exactly the parts JSON.parse gives, for
 * any content, valid or not.
 */
import type { StreamPart } from '@keel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iterate } from './__fixtures__/fixtures';
import { fromAnthropic } from './from-anthropic';
import { fromOpenAIChat } from './from-openai-chat';

/**
 * Bodies of JSON strings (what goes between the quotes): valid ones escaping any text, and
 * arbitrary pieces that may not be (raw quotes and control characters, lone surrogates, bad
 * escapes).
 */
const jsonStringBodies: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary' }).map((text) => JSON.stringify(text).slice(1, -1)),
  fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 6 }),
        fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
        fc.constantFrom(
          '"',
          '\\',
          '\\"',
          '\\n',
          '\\u00e9',
          '\\uD83C\\uDF0D',
          '\\x',
          '\\u12',
          '\0',
          '\t',
        ),
      ),
      { maxLength: 8 },
    )
    .map((pieces) => pieces.join('')),
);

/**
 * The parts `adapt` gives for server-sent events with these data, between `before` and `after`,
 * as they are and with a space before each of `datas`: the same JSON, but never in a layout an
 * adapter reads without `JSON.parse`. Errors, in parts or thrown, are compared by name, since
 * their text quotes the data.
 */
async function withAndWithoutLayout(
  adapt: (source: AsyncIterable<object>) => AsyncIterable<StreamPart>,
  datas: readonly string[],
  { before = [], after = [] }: { before?: readonly string[]; after?: readonly string[] } = {},
): Promise<[unknown[], unknown[]]> {
  const run = async (middle: readonly string[]) => {
    const events = [...before, ...middle, ...after].map((data) => ({
      event: 'message',
      data,
      id: '',
    }));
    const parts: unknown[] = [];
    try {
      for await (const part of adapt(iterate(events))) {
        parts.push(
          part.type === 'error' ? { type: 'error', name: (part.error as Error).name } : part,
        );
      }
    } catch (error) {
      parts.push({ thrown: (error as Error).name });
    }
    return parts;
  };
  return [await run(datas), await run(datas.map((data) => ` ${data}`))];
}

describe('events read in their usual layout', () => {
  it('Anthropic: reads content deltas in their usual layout exactly as JSON.parse would, whatever they hold', async () => {
    const data = fc
      .tuple(
        fc.oneof(
          fc.constantFrom('0', '1', '2', '7', '01', '-1', '1.0', '1e0', '12345678901'),
          fc.nat().map(String),
        ),
        fc.constantFrom(
          'text_delta","text',
          'thinking_delta","thinking',
          'input_json_delta","partial_json',
          'signature_delta","signature',
          'text_delta","thinking',
          'citations_delta","text',
        ),
        jsonStringBodies,
        fc.constantFrom('"}}', '"}}', '"}}', '"} }', '"}}x', '"},"extra":1}', '"}'),
      )
      .map(
        ([index, layout, value, tail]) =>
          `{"type":"content_block_delta","index":${index},"delta":{"type":"${layout}":"${value}${tail}`,
      );
    const start = (index: number, block: Record<string, unknown>) =>
      JSON.stringify({ type: 'content_block_start', index, content_block: block });
    const around = {
      before: [
        start(0, { type: 'text', text: '' }),
        start(1, { type: 'tool_use', id: 'toolu_1', name: 'lookup' }),
        start(2, { type: 'thinking', thinking: '' }),
      ],
      after: ['{"type":"content_block_stop","index":1}', '{"type":"message_stop"}'],
    };
    await fc.assert(
      fc.asyncProperty(fc.array(data, { minLength: 1, maxLength: 6 }), async (datas) => {
        const [asIs, parsed] = await withAndWithoutLayout(fromAnthropic, datas, around);
        expect(asIs).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });

  it('OpenAI Chat: reads text chunks in their usual layout exactly as JSON.parse would, whatever they hold', async () => {
    const value = fc.oneof(
      jsonStringBodies.map((body) => `"${body}"`),
      fc.constantFrom('0', '-1.5e3', '01', '1.', 'null', 'true', '{}', '[]', '{"a":1}'),
    );
    const member = fc
      .tuple(
        fc.constantFrom(
          'id',
          'object',
          'created',
          'model',
          'service_tier',
          'system_fingerprint',
          'obfuscation',
          'usage',
          'error',
          'choices',
          'other',
        ),
        value,
      )
      .map(([key, json]) => `"${key}":${json}`);
    const choices = fc
      .tuple(
        fc.constantFrom('0', '0', '1'),
        fc.constantFrom('content', 'content', 'refusal', 'reasoning_content'),
        jsonStringBodies,
        fc.constantFrom('null', 'null', '"stop"'),
      )
      .map(
        ([index, key, body, finish]) =>
          `"choices":[{"index":${index},"delta":{"${key}":"${body}"},"logprobs":null,"finish_reason":${finish}}]`,
      );
    const data = fc
      .tuple(fc.array(member, { maxLength: 4 }), choices, fc.array(member, { maxLength: 3 }))
      .map(([head, middle, tail]) => `{${[...head, middle, ...tail].join(',')}}`);
    await fc.assert(
      fc.asyncProperty(fc.array(data, { minLength: 1, maxLength: 6 }), async (datas) => {
        const [asIs, parsed] = await withAndWithoutLayout(fromOpenAIChat, datas, {
          after: ['[DONE]'],
        });
        expect(asIs).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });
});
