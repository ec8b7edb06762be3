/**
 * Events read in a learned layout give exactly the parts JSON.parse gives, for any layout and any
 * content, valid or not: streams of events sharing a random layout, their text and the values the
 * adapter never reads varying, against the same events each built with JSON.parse.
 */
import type { StreamPart } from '@keel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iterate } from './__fixtures__/fixtures';
import { fromAnthropic } from './from-anthropic';
import { fromOpenAIChat } from './from-openai-chat';
import { fromOpenAIResponses } from './from-openai-responses';

/**
 * Bodies of JSON strings (what goes between the quotes): mostly valid ones escaping any text,
 * sometimes arbitrary pieces that may not be (raw quotes and control characters, lone
 * surrogates, bad escapes).
 */
const jsonStringBodies: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.string({ unit: 'binary' }).map((text) => JSON.stringify(text).slice(1, -1)),
  },
  {
    weight: 1,
    arbitrary: fc
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
  },
);

/** JSON values: mostly scalars, sometimes containers, sometimes not JSON at all. */
const values: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: jsonStringBodies.map((body) => `"${body}"`) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.integer().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((number) => JSON.stringify(number)),
      fc.constantFrom('null', 'true', 'false', '-0', '1E+2', '0.5e-3'),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('{}', '[]', '{"a":1}', '[null]') },
  { weight: 1, arbitrary: fc.constantFrom('01', '1.', 'nul', '"\\x"') },
);

/** JSON whitespace between tokens: none, mostly. */
const spaces = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '\n ', '\r\n') },
);

/**
 * The parts `adapt` gives for server-sent events with these data, and the parts it gives when
 * each event's data sits behind a different number of spaces (so no two share a layout and
 * every one is built with `JSON.parse`). Errors, in parts or thrown, are compared by name, since
 * their text quotes the data.
 */
async function learnedAndParsed(
  adapt: (source: AsyncIterable<object>) => AsyncIterable<StreamPart>,
  datas: readonly string[],
): Promise<[unknown[], unknown[]]> {
  const run = async (spaced: boolean) => {
    const events = datas.map((data, index) => ({
      event: 'message',
      data: spaced && data !== '[DONE]' ? `${' '.repeat(index + 1)}${data}` : data,
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
  return [await run(false), await run(true)];
}

/**
 * Events of up to three layouts: `spell` writes an event of `layout` from a string body and the
 * values of its members. Each event picks a layout and a new body; each of its values is the
 * layout's own, mostly, or a new one, so that events share layouts and still vary.
 */
function streamsOf<Layout>(
  layout: fc.Arbitrary<Layout>,
  spell: (layout: Layout, body: string, fill: readonly string[]) => string,
): fc.Arbitrary<string[]> {
  const fill = fc.array(values, { minLength: 8, maxLength: 8 });
  const refill = fc.array(
    fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: values }),
    { minLength: 8, maxLength: 8 },
  );
  return fc
    .tuple(
      fc.array(fc.tuple(layout, fill), { minLength: 1, maxLength: 3 }),
      fc.array(fc.tuple(fc.nat(2), jsonStringBodies, refill), { minLength: 1, maxLength: 12 }),
    )
    .map(([layouts, events]) =>
      events.map(([which, body, own]) => {
        const [chosen, values] = layouts[which % layouts.length] as [Layout, string[]];
        return spell(
          chosen,
          body,
          values.map((value, index) => own[index] ?? value),
        );
      }),
    );
}

describe('events read in learned layouts', () => {
  it('OpenAI Chat: any members, order and spacing, exactly as JSON.parse would', async () => {
    /** Mostly members the adapter ignores; sometimes one it reads, which ends most streams. */
    const rarely = (ignored: string[], read: string[]) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...ignored) },
        { weight: 1, arbitrary: fc.constantFrom(...read) },
      );
    const memberNames = rarely(
      [
        'id',
        'object',
        'created',
        'model',
        'system_fingerprint',
        'obfuscation',
        'prompt_filter_results',
      ],
      ['usage', 'error', 'choices'],
    );
    const choiceMembers = rarely(
      ['logprobs', 'stop_reason', 'content_filter_results'],
      ['index', 'finish_reason', 'delta'],
    );
    const deltaMembers = rarely(
      ['role', 'function_call', 'audio'],
      ['content', 'refusal', 'reasoning_content', 'reasoning', 'tool_calls'],
    );
    const layout = fc.record({
      head: fc.array(memberNames, { maxLength: 4 }),
      tail: fc.array(memberNames, { maxLength: 3 }),
      choice: fc.array(choiceMembers, { maxLength: 4 }),
      delta: fc.array(deltaMembers, { maxLength: 3 }),
      text: fc.constantFrom('content', 'content', 'reasoning_content', 'reasoning', 'refusal'),
      index: fc.constantFrom('0', '0', '1'),
      finish: fc.constantFrom('null', 'null', '"stop"'),
      space: spaces,
    });
    const data = streamsOf(layout, (l, body, fill) => {
      const s = l.space;
      let next = 0;
      const member = (name: string) => `"${name}":${s}${fill[next++ % fill.length]}`;
      const delta = [...l.delta.map(member), `"${l.text}":${s}"${body}"`].join(`,${s}`);
      const choice = [
        `"index":${s}${l.index}`,
        `"delta":${s}{${s}${delta}${s}}`,
        ...l.choice.map(member),
        `"finish_reason":${s}${l.finish}`,
      ].join(`,${s}`);
      const members = [...l.head.map(member), `"choices":${s}[{${choice}}]`, ...l.tail.map(member)];
      return `${s}{${s}${members.join(`,${s}`)}${s}}${s}`;
    });
    await fc.assert(
      fc.asyncProperty(data, async (datas) => {
        const [learned, parsed] = await learnedAndParsed(fromOpenAIChat, [...datas, '[DONE]']);
        expect(learned).toEqual(parsed);
      }),
      { numRuns: 400 },
    );
  });

  it('OpenAI Responses: delta events of any spelling, exactly as JSON.parse would', async () => {
    const layout = fc.record({
      type: fc.constantFrom(
        'response.output_text.delta',
        'response.refusal.delta',
        'response.reasoning_summary_text.delta',
        'response.function_call_arguments.delta',
        'response.audio.delta',
      ),
      itemId: fc.constantFrom('"fc_1"', '"fc_2"', '"msg_1"', '7'),
      extra: fc.array(
        fc.constantFrom('sequence_number', 'output_index', 'content_index', 'logprobs', 'item'),
        { maxLength: 4 },
      ),
      space: spaces,
    });
    const data = streamsOf(layout, (l, body, fill) => {
      const s = l.space;
      const members = [
        `"type":${s}"${l.type}"`,
        ...l.extra.map((name, index) => `"${name}":${s}${fill[index]}`),
        `"item_id":${s}${l.itemId}`,
        `"delta":${s}"${body}"`,
      ];
      return `{${members.join(`,${s}`)}}`;
    });
    const before = [
      '{"type":"response.output_item.added","item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"lookup","arguments":""}}',
    ];
    const after = [
      '{"type":"response.function_call_arguments.done","item_id":"fc_1"}',
      '{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":3,"output_tokens":5}}}',
    ];
    await fc.assert(
      fc.asyncProperty(data, async (datas) => {
        const [learned, parsed] = await learnedAndParsed(fromOpenAIResponses, [
          ...before,
          ...datas,
          ...after,
        ]);
        expect(learned).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it('Anthropic: content deltas of any spelling, exactly as JSON.parse would', async () => {
    const layout = fc.record({
      index: fc.constantFrom('0', '1', '2', '7', '01', '-1', '1.0', '12345678901'),
      delta: fc.constantFrom(
        'text_delta","text',
        'thinking_delta","thinking',
        'input_json_delta","partial_json',
        'signature_delta","signature',
        'text_delta","thinking',
        'citations_delta","text',
      ),
      extra: fc.array(fc.constantFrom('"x":', '"index":', '"type":'), { maxLength: 2 }),
      space: spaces,
    });
    const data = streamsOf(layout, (l, body, fill) => {
      const s = l.space;
      const extra = l.extra.map((name, index) => `,${s}${name}${s}${fill[index]}`).join('');
      return `{"type":${s}"content_block_delta",${s}"index":${s}${l.index},${s}"delta":${s}{"type":${s}"${l.delta}":${s}"${body}"}${extra}}`;
    });
    const start = (index: number, block: Record<string, unknown>) =>
      JSON.stringify({ type: 'content_block_start', index, content_block: block });
    const before = [
      start(0, { type: 'text', text: '' }),
      start(1, { type: 'tool_use', id: 'toolu_1', name: 'lookup' }),
      start(2, { type: 'thinking', thinking: '' }),
    ];
    const after = ['{"type":"content_block_stop","index":1}', '{"type":"message_stop"}'];
    await fc.assert(
      fc.asyncProperty(data, async (datas) => {
        const [learned, parsed] = await learnedAndParsed(fromAnthropic, [
          ...before,
          ...datas,
          ...after,
        ]);
        expect(learned).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });
});
