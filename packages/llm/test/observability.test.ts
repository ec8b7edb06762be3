import { createObservability, createTracer, memorySink } from '@keel/observability';
import { describe, expect, it } from 'vitest';
import { ask, OPENAI_KEY, useMock } from './helpers';

const env = useMock();

function observability() {
  const logs = memorySink();
  const tracer = createTracer();
  const obs = createObservability({ logger: logs, tracer });
  return { logs, tracer, obs };
}

describe('with @keel/observability', () => {
  it('logs, traces and meters a call with tokens, cost and attempts, and nothing secret', async () => {
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 429, retryAfterMs: 10 } },
      {
        text: 'Reply to jane@example.com',
        usage: { inputTokens: 120, cacheReadTokens: 100, outputTokens: 6 },
      },
    );
    const { logs, tracer, obs } = observability();
    const model = env.openai({ instrumentation: obs });
    const result = await model.generate({
      ...ask('My card is 4111 1111 1111 1111, email jane@example.com'),
      metadata: { userId: 'u1', feature: 'support', promptId: 'answer@3' },
    });
    expect(logs.records).toHaveLength(1);
    const [record] = logs.records;
    expect(record).toMatchObject({ event: 'model-call', outcome: 'ok', prompt_id: 'answer@3' });
    const line = JSON.stringify(record);
    expect(line).toContain('gpt-4o-mini');
    expect(line).toContain(String(result.costUsd));
    for (const secret of [OPENAI_KEY, '4111 1111 1111 1111', 'jane@example.com'])
      expect(line).not.toContain(secret);
    const [span] = tracer.finishedSpans();
    expect(span?.name).toBe('chat gpt-4o-mini');
    expect(span?.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 6,
    });
    expect(JSON.stringify(span)).not.toContain(OPENAI_KEY);
    expect(obs.metrics?.prometheus()).toMatch(/gpt-4o-mini/);
  });

  it('records an aborted stream with the usage billed', async () => {
    env.mock.enqueue('anthropic.messages', {
      text: 'one two three four five six seven',
      faults: { tokensPerSecond: 20 },
    });
    const { logs, obs } = observability();
    const controller = new AbortController();
    const stream = env
      .anthropic({ instrumentation: obs })
      .stream(ask('Hi'), { signal: controller.signal });
    for await (const part of stream) if (part.type === 'text-delta') controller.abort();
    expect(logs.records[0]).toMatchObject({ event: 'model-call', outcome: 'abort' });
    expect(JSON.stringify(logs.records[0])).toContain(
      String((await stream.result).usage.inputTokens),
    );
  });
});
