import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatModel } from '@keel/core';
import { instrument } from '@keel/observability';
import { createFakeChatModel } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createCassette } from './cassette';
import { CassetteMissError } from './cassette-miss-error';
import type { EvalCase } from './eval-case';
import { judgeScorer } from './judge';
import type { EvalTask } from './run-case';
import { runEval } from './run-eval';
import type { CaseScorer } from './scorer';

const cases: EvalCase[] = Array.from({ length: 6 }, (_, i) => ({
  id: `q${i + 1}`,
  question: `question ${i + 1}`,
  expectedFacts: [`question ${i + 1}`],
}));

/** A pipeline over `model`, each call priced at 0.01 USD. */
function pipeline(model: ChatModel): EvalTask<EvalCase> {
  return async (evalCase, { instrumentation, signal }) => {
    const observed = instrument(model, { instrumentation, cost: () => 0.01 });
    const result = await observed.generate(
      { messages: [{ role: 'user', content: evalCase.question }] },
      { signal },
    );
    return { answer: result.text };
  };
}

const echo: CaseScorer = ({ case: c, output }) => ({
  scores: { echoed: output.answer.includes(c.question) ? 1 : 0 },
});

const tempFile = async (name: string) => join(await mkdtemp(join(tmpdir(), 'keel-evals-')), name);

describe('runEval', () => {
  it('keeps at most `concurrency` cases in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const run = await runEval({
      name: 'pool',
      cases,
      concurrency: 2,
      task: async (c) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { answer: c.question };
      },
      scorers: [echo],
    });
    expect(most).toBe(2);
    expect(run.results.map((r) => r.id)).toEqual(cases.map((c) => c.id));
    expect(run.summary.metrics.echoed).toEqual({ mean: 1, count: 6 });
  });

  it('retries a retryable failure through @keel/resilience and records a fatal one', async () => {
    const model = createFakeChatModel((request) => ({
      text: `You said: ${request.messages[0]?.content}`,
    }));
    const failures = new Map([
      ['q1', [Object.assign(new Error('overloaded'), { status: 503 })]],
      ['q2', [Object.assign(new Error('bad request'), { status: 400 })]],
    ]);
    const run = await runEval({
      name: 'retry',
      cases: cases.slice(0, 3),
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      task: async (c, context) => {
        const error = failures.get(c.id)?.shift();
        if (error !== undefined) throw error;
        return pipeline(model)(c, context);
      },
      scorers: [echo],
    });
    const [retried, fatal, plain] = run.results;
    expect(retried).toMatchObject({ attempts: 2, scores: { echoed: 1 } });
    expect(retried?.error).toBeUndefined();
    expect(fatal).toMatchObject({ attempts: 1, error: { message: 'bad request' }, scores: {} });
    expect(plain).toMatchObject({ attempts: 1, operations: { costUsd: 0.01, modelCalls: 1 } });
    expect(run.summary.failed).toBe(1);
    expect(run.summary.operations.errorRate).toBeCloseTo(1 / 3, 10);
  });

  it('retries a failing scorer and counts its cost once it answers', async () => {
    const judge = createFakeChatModel([
      { error: Object.assign(new Error('overloaded'), { status: 529 }) },
      { text: '{"faithfulness":5,"relevance":5,"reason":"ok"}', costUsd: 0.004 },
    ]);
    const run = await runEval({
      name: 'judged',
      cases: cases.slice(0, 1),
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      task: async (c) => ({ answer: c.question }),
      scorers: [judgeScorer({ model: judge })],
    });
    expect(judge.calls).toHaveLength(2);
    expect(run.results[0]).toMatchObject({
      scores: { faithfulness: 1, relevance: 1 },
      scoringCostUsd: 0.004,
    });
    expect(run.summary.totalCostUsd).toBe(0.004);
  });

  it('starts no case once the run has cost maxCostUsd', async () => {
    const run = await runEval({
      name: 'capped',
      cases,
      concurrency: 1,
      maxCostUsd: 0.025,
      task: pipeline(createFakeChatModel({ text: 'ok' })),
    });
    expect(run.results.map((r) => r.id)).toEqual(['q1', 'q2', 'q3']);
    expect(run.stopped).toBe('cost-cap');
    expect(run.skipped).toEqual(['q4', 'q5', 'q6']);
    expect(run.summary.totalCostUsd).toBeCloseTo(0.03, 10);
  });

  it('resumes after an interruption, skipping the cases in the results file', async () => {
    const resultsPath = await tempFile('results.jsonl');
    const controller = new AbortController();
    const first = runEval({
      name: 'resumable',
      cases,
      concurrency: 1,
      resultsPath,
      signal: controller.signal,
      task: async (c) => ({ answer: c.question }),
      onProgress: ({ done }) => {
        if (done === 2) controller.abort();
      },
    });
    await expect(first).rejects.toThrow();
    expect((await readFile(resultsPath, 'utf8')).trim().split('\n')).toHaveLength(2);

    const ran: string[] = [];
    const second = await runEval({
      name: 'resumable',
      cases,
      resultsPath,
      task: async (c) => {
        ran.push(c.id);
        return { answer: c.question };
      },
    });
    expect(ran.sort()).toEqual(['q3', 'q4', 'q5', 'q6']);
    expect(second.resumed).toBe(2);
    expect(second.results.map((r) => r.id)).toEqual(cases.map((c) => c.id));
  });

  it('replays a cassette: the same results, and no model call', async () => {
    const path = await tempFile('cassette.jsonl');
    const model = createFakeChatModel((request) => ({
      text: `You said: ${request.messages[0]?.content}`,
      usage: { inputTokens: 10, outputTokens: 5 },
    }));
    const recorded = await runEval({
      name: 'baseline',
      cases,
      task: pipeline(model),
      scorers: [echo],
      cassette: createCassette({ path }),
    });
    expect(model.calls).toHaveLength(6);

    const offline = createFakeChatModel({ error: new Error('no provider in a replay') });
    const replayed = await runEval({
      name: 'baseline',
      cases,
      task: pipeline(offline),
      scorers: [echo],
      cassette: createCassette({ path, mode: 'replay' }),
    });
    expect(offline.calls).toHaveLength(0);
    expect(replayed.results.every((r) => r.replayed)).toBe(true);
    const strip = (run: typeof recorded) => run.results.map(({ replayed: _, ...rest }) => rest);
    expect(strip(replayed)).toEqual(strip(recorded));
    expect(replayed.summary).toEqual(recorded.summary);

    const other = await runEval({
      name: 'baseline',
      cases: [{ id: 'new', question: 'never recorded' }],
      task: pipeline(offline),
      cassette: createCassette({ path, mode: 'replay' }),
    }).catch((error: unknown) => error);
    expect(CassetteMissError.isInstance(other)).toBe(true);
  });

  it('checks its options', async () => {
    const task = async () => ({ answer: '' });
    await expect(runEval({ name: '', cases, task })).rejects.toThrow(/name must be/);
    await expect(runEval({ name: 'x', cases, task, concurrency: 0 })).rejects.toThrow(
      /concurrency/,
    );
  });
});
