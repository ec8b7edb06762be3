/**
 * The done-when test of issue 21: 200 turns, a fact stated at turn 3 and asked about at turn 200,
 * answered correctly and cited, at a bounded token cost per turn (counted, never timed).
 */
import type { ChatRequest, Message } from '@keel/core';
import { createFakeChatModel } from '@keel/testing';
import { countMessageTokens } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { fakeExtractor, requestTurns } from '../test/fake-extractor';
import { createMemory } from './create-memory';
import { createLocalMemoryStore } from './local-memory-store';
import { citedFacts, renderMemory } from './render-memory';

const TURNS = 200;
const HISTORY_TOKENS = 600;
const SUMMARY_TOKENS = 150;
const RECALLED = 3;
const SYSTEM = 'You are a helpful assistant for the Keel docs.';

/** The user's n-th turn (1-based). */
function userTurn(n: number): string {
  if (n === 3) return 'By the way, my dog is called Biscuit and she is three years old.';
  if (n === TURNS) return "What is my dog's name?";
  return `Question ${n}: how should I size the retry budget and the timeout for service ${n} under load?`;
}

/** The answering model: quotes the remembered fact about a dog, with its citation, when asked. */
const answerer = createFakeChatModel(
  (request: ChatRequest) => {
    const asked = request.messages.at(-1);
    const question = typeof asked?.content === 'string' ? asked.content : '';
    const block = /source="(memory:[^"]+)" mode="fence">\n([^\n]*dog[^\n]*)/.exec(
      request.system ?? '',
    );
    const text =
      question.includes('dog') && block
        ? `${block[2]?.replace(/^[^:]*: /, '')} [${block[1]}]`
        : `For service ${question.length}, start with three attempts and a two second timeout.`;
    return { text, usage: { outputTokens: 20 } };
  },
  { modelId: 'fake-answerer' },
);

describe('a 200-turn conversation', () => {
  it('answers at turn 200 with the fact from turn 3, cited, at a bounded prompt size', async () => {
    const summarizer = createFakeChatModel(
      (request) => ({
        text: `The user asked about retry budgets and timeouts (up to turn ${requestTurns(request).at(-1)?.turn}).`,
        usage: { inputTokens: 400, outputTokens: 30 },
        costUsd: 0.001,
      }),
      { modelId: 'fake-summarizer' },
    );
    const extractor = fakeExtractor(({ text }) =>
      text.includes('Biscuit')
        ? [{ subject: 'dog', statement: "The user's dog is called Biscuit.", confidence: 0.95 }]
        : [],
    );
    const memory = createMemory({
      store: createLocalMemoryStore(),
      summarizer,
      extractor,
      historyTokens: HISTORY_TOKENS,
      summaryTokens: SUMMARY_TOKENS,
    });
    const context = { tenantId: 'acme', userId: 'u1', conversationId: 'long' };
    const messages: Message[] = [];
    const promptTokens: number[] = [];
    let summaryCost = 0;
    let summaryUpdates = 0;
    let answer = '';
    let rendered = renderMemory({ facts: [] });
    let window: Awaited<ReturnType<typeof memory.history>> | undefined;

    for (let n = 1; n <= TURNS; n++) {
      const question: Message = { role: 'user', content: userTurn(n) };
      messages.push(question);
      window = await memory.history({ context, messages });
      if (window.summarized) summaryUpdates++;
      summaryCost += window.costUsd ?? 0;
      const recalled = await memory.recall({ context, query: userTurn(n), k: RECALLED });
      rendered = renderMemory({
        facts: recalled.map(({ fact }) => fact),
        summary: window.summary?.text,
      });
      const request: ChatRequest = {
        system: [SYSTEM, rendered.instruction, rendered.text].join('\n\n'),
        messages: window.turns.map(({ message }) => message),
      };
      promptTokens.push(
        (
          await countMessageTokens(
            [{ role: 'system', content: request.system as string }, ...request.messages],
            { model: 'gpt-4o-mini' },
          )
        ).tokens,
      );
      answer = (await answerer.generate(request)).text;
      messages.push({ role: 'assistant', content: answer });
      await memory.remember({ context, turns: [{ turn: messages.length - 2, message: question }] });
    }

    // Answered correctly, and cited: the citation leads to the fact and the fact to turn 3.
    expect(answer).toContain('Biscuit');
    const [cited] = citedFacts(answer, rendered);
    expect(cited?.statement).toBe("The user's dog is called Biscuit.");
    expect(cited?.source).toEqual({ type: 'turn', conversationId: 'long', turn: 4 });
    // Turn 3 (message 4) left the history window long before turn 200.
    expect(window?.turns[0]?.turn).toBeGreaterThan(300);
    expect(window?.summary?.throughTurn).toBeGreaterThan(300);

    // Bounded per turn: history, summary and recalled facts each within their budgets, whatever
    // the conversation's length. The bound is counted, from the same tokenizer.
    const fixed = promptTokens[0] as number;
    const bound = fixed + HISTORY_TOKENS + SUMMARY_TOKENS + RECALLED * 120 + 200;
    expect(Math.max(...promptTokens)).toBeLessThanOrEqual(bound);
    expect(Math.max(...promptTokens.slice(100))).toBeLessThanOrEqual(
      Math.max(...promptTokens.slice(0, 100)) + RECALLED * 120,
    );
    // Incremental: the summary is updated every several turns, not rebuilt on each, and its
    // cost is the summariser's own figure for each call.
    expect(summaryUpdates).toBe(summarizer.calls.length);
    expect(summaryUpdates).toBeGreaterThan(5);
    expect(summaryUpdates).toBeLessThan(TURNS / 4);
    expect(summaryCost).toBeCloseTo(summaryUpdates * 0.001, 10);
    expect(
      summarizer.calls.every(
        ({ request }) => request.metadata?.promptId === 'keel.memory.summary@1',
      ),
    ).toBe(true);
  });
});
