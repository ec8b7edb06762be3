import { EMPTY_USAGE, type ModelCallEnd, type ModelCallStart } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createObservability } from './create-observability';
import { memorySink } from './log-sink';
import { createSpendGuard } from './spend-guard';
import { createTracer } from './tracer';

const OPENAI_KEY = 'sk-proj-4f9Qx2Lw8Zr1Tb6Yc3Nd7Vh5Jm0Kp2Ws';

const start: ModelCallStart = {
  operation: 'stream',
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  metadata: { userId: 'u1', tenantId: 'acme', feature: 'chat', promptId: 'answer@3' },
  parameters: { maxTokens: 256, temperature: 0.2, topP: 0.9, stop: ['END'] },
  request: {
    system: 'Be brief.',
    messages: [{ role: 'user', content: `my key is ${OPENAI_KEY}, mail me at jane@example.com` }],
  },
};

const ok: ModelCallEnd = {
  outcome: 'ok',
  responseModel: 'gpt-4o-mini-2024-07-18',
  responseId: 'chatcmpl-1',
  finishReason: 'stop',
  usage: {
    inputTokens: 1200,
    outputTokens: 80,
    cacheReadTokens: 1000,
    cacheWriteTokens: 0,
    reasoningTokens: 16,
  },
  costUsd: 0.0042,
  attempts: 2,
  timeToFirstTokenMs: 350,
  output: 'Sure: call +44 20 7946 0958',
};

function setup(options: Parameters<typeof createObservability>[0] = {}) {
  const clock = createFakeClock({ now: Date.UTC(2026, 0, 1) });
  const tracer = createTracer({ clock });
  const logs = memorySink();
  const obs = createObservability({ tracer, logger: logs, clock, ...options });
  return { clock, tracer, logs, obs };
}

describe('createObservability: model calls', () => {
  it('traces a model call on the GenAI conventions with Keel attributes', async () => {
    const { clock, tracer, obs } = setup();
    const observer = obs.startModelCall(start);
    observer.event?.('retry', { attempt: 2 });
    await clock.advance(1_500);
    observer.end(ok);
    const [span] = tracer.finishedSpans();
    expect(span).toMatchObject({ name: 'chat gpt-4o-mini', kind: 'client', status: 'unset' });
    expect(span?.endTime).toBe((span?.startTime ?? 0) + 1_500);
    expect(span?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.stream': true,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 80,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 16,
      'gen_ai.response.time_to_first_chunk': 0.35,
      'keel.cost_usd': 0.0042,
      'keel.attempts': 2,
      'keel.time_to_first_token_ms': 350,
      'keel.user.id': 'u1',
      'keel.tenant.id': 'acme',
      'keel.feature': 'chat',
      'keel.prompt.id': 'answer@3',
      'keel.outcome': 'ok',
    });
    expect(span?.events.map((e) => e.name)).toEqual(['retry']);
  });

  it('spells finish reasons as the conventions do, and marks generate as not streamed', () => {
    const { tracer, obs } = setup();
    obs
      .startModelCall({ ...start, operation: 'generate' })
      .end({ ...ok, finishReason: 'tool-calls', timeToFirstTokenMs: undefined });
    obs
      .startModelCall({ ...start, operation: 'embed' })
      .end({ ...ok, finishReason: 'content-filter' });
    const [generate, embed] = tracer.finishedSpans();
    expect(generate?.attributes).toMatchObject({
      'gen_ai.request.stream': false,
      'gen_ai.response.finish_reasons': ['tool_call'],
    });
    expect(generate?.attributes).not.toHaveProperty('gen_ai.response.time_to_first_chunk');
    expect(embed?.name).toBe('embeddings gpt-4o-mini');
    expect(embed?.attributes).not.toHaveProperty('gen_ai.request.stream');
    expect(embed?.attributes['gen_ai.response.finish_reasons']).toEqual(['content_filter']);
  });

  it('writes one structured log record per call', async () => {
    const { clock, tracer, logs, obs } = setup();
    const observer = obs.startModelCall(start);
    await clock.advance(1_500);
    observer.end(ok);
    const [span] = tracer.finishedSpans();
    expect(logs.records).toEqual([
      {
        time: '2026-01-01T00:00:01.500Z',
        level: 'info',
        event: 'model-call',
        msg: 'chat gpt-4o-mini-2024-07-18 ok',
        outcome: 'ok',
        trace_id: span?.traceId,
        span_id: span?.spanId,
        user_id: 'u1',
        tenant_id: 'acme',
        feature: 'chat',
        prompt_id: 'answer@3',
        operation: 'stream',
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        request_model: 'gpt-4o-mini',
        response_id: 'chatcmpl-1',
        finish_reason: 'stop',
        tokens_in: 1200,
        tokens_cached: 1000,
        tokens_cache_write: 0,
        tokens_out: 80,
        tokens_reasoning: 16,
        cost_usd: 0.0042,
        ttft_ms: 350,
        attempts: 2,
        latency_ms: 1_500,
      },
    ]);
  });

  it('records content only when opted in for the feature, redacted', () => {
    const off = setup();
    off.obs.startModelCall(start).end(ok);
    expect(off.logs.records[0]).not.toHaveProperty('request');
    expect(off.tracer.finishedSpans()[0]?.attributes).not.toHaveProperty('gen_ai.input.messages');

    const other = setup({ recordContent: ['search'] });
    other.obs.startModelCall(start).end(ok);
    expect(other.logs.records[0]).not.toHaveProperty('output');

    const on = setup({ recordContent: ['chat'] });
    on.obs.startModelCall(start).end(ok);
    const attributes = on.tracer.finishedSpans()[0]?.attributes ?? {};
    expect(JSON.parse(String(attributes['gen_ai.input.messages']))).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'my key is [REDACTED:openai-key], mail me at [REDACTED:email]' },
        ],
      },
    ]);
    expect(JSON.parse(String(attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: 'Be brief.' },
    ]);
    expect(JSON.parse(String(attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Sure: call [REDACTED:phone]' }] },
    ]);
    expect(on.logs.records[0]).toMatchObject({
      request: { system: 'Be brief.' },
      output: 'Sure: call [REDACTED:phone]',
    });
    expect(JSON.stringify(on.logs.records)).not.toContain(OPENAI_KEY);

    const predicate = setup({ recordContent: (metadata) => metadata?.userId === 'u1' });
    predicate.obs.startModelCall(start).end(ok);
    expect(predicate.logs.records[0]).toHaveProperty('output');
  });

  it('bounds huge content: each string and each content attribute is cut with a marker', () => {
    const { tracer, logs, obs } = setup({ recordContent: true });
    const huge = 'lorem ipsum '.repeat(100_000);
    const messages = Array.from({ length: 20 }, () => ({ role: 'user' as const, content: huge }));
    obs.startModelCall({ ...start, request: { messages } }).end({ ...ok, output: huge });
    const input = String(tracer.finishedSpans()[0]?.attributes['gen_ai.input.messages']);
    expect(input.length).toBeLessThan(70_000);
    expect(input).toMatch(/…\[truncated \d+ chars\]$/);
    expect(String(logs.records[0]?.output)).toMatch(/…\[truncated \d+ chars\]$/);
  });

  it('marks failures on the span and the record, with the message redacted', () => {
    const { tracer, logs, obs } = setup();
    obs.startModelCall(start).end({
      outcome: 'error',
      usage: { ...EMPTY_USAGE },
      attempts: 3,
      errorType: 'AuthenticationError',
      errorMessage: `Incorrect API key provided: ${OPENAI_KEY}`,
    });
    const [span] = tracer.finishedSpans();
    expect(span).toMatchObject({
      status: 'error',
      statusMessage: 'Incorrect API key provided: [REDACTED:openai-key]',
    });
    expect(span?.attributes['error.type']).toBe('AuthenticationError');
    expect(span?.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'AuthenticationError' },
    });
    expect(logs.records[0]).toMatchObject({
      level: 'error',
      outcome: 'error',
      error_type: 'AuthenticationError',
      error_message: 'Incorrect API key provided: [REDACTED:openai-key]',
    });
    expect(
      obs.metrics?.value('keel.errors', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        feature: 'chat',
        kind: 'model-call',
        'error.type': 'AuthenticationError',
      }),
    ).toBe(1);
  });

  it('leaves zero token counts out of the token-usage histogram', () => {
    const { obs } = setup();
    obs.startModelCall({ ...start, operation: 'embed' }).end({
      ...ok,
      usage: { ...EMPTY_USAGE, inputTokens: 12 },
    });
    obs.startModelCall(start).end({ outcome: 'error', usage: { ...EMPTY_USAGE }, attempts: 1 });
    const histograms = (obs.metrics?.snapshot() ?? []).filter(
      (series) => series.name === 'gen_ai.client.token.usage',
    );
    expect(histograms.map((series) => [series.labels['gen_ai.token.type'], series.count])).toEqual([
      ['input', 1],
    ]);
  });

  it('logs an abort as a warning, not an error', () => {
    const { tracer, logs, obs } = setup();
    obs.startModelCall(start).end({ outcome: 'abort', usage: { ...EMPTY_USAGE }, attempts: 1 });
    expect(tracer.finishedSpans()[0]?.status).toBe('unset');
    expect(logs.records[0]).toMatchObject({ level: 'warn', outcome: 'abort' });
  });

  it('meters tokens, cost, latency, time to first token and retries', async () => {
    const { clock, obs } = setup();
    const observer = obs.startModelCall(start);
    await clock.advance(2_000);
    observer.end(ok);
    const labels = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      feature: 'chat',
    };
    const tokenLabels = { ...labels, 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18' };
    const metrics = obs.metrics;
    expect(
      metrics?.value('keel.tokens', { ...tokenLabels, 'gen_ai.token.type': 'cache_read' }),
    ).toBe(1000);
    expect(
      metrics?.value('keel.tokens', { ...tokenLabels, 'gen_ai.token.type': 'reasoning' }),
    ).toBe(16);
    expect(metrics?.value('keel.cost', tokenLabels)).toBe(0.0042);
    expect(metrics?.value('keel.retries', labels)).toBe(1);
    expect(metrics?.value('gen_ai.client.operation.duration', labels)).toBe(2);
    expect(metrics?.value('gen_ai.client.operation.time_to_first_chunk', labels)).toBe(0.35);
    expect(metrics?.prometheus()).toContain('keel_cost_usd_total{');
  });

  it('feeds model-call cost to the spend guard', () => {
    const exceeded: string[] = [];
    const spendGuard = createSpendGuard({
      limits: [{ by: 'userId', thresholdUsd: 0.01, windowMs: 60_000 }],
      onExceeded: ({ key }) => exceeded.push(key),
      clock: createFakeClock(),
    });
    const { obs } = setup({ spendGuard });
    for (let i = 0; i < 3; i++) obs.startModelCall(start).end(ok);
    expect(exceeded).toEqual(['u1']);
  });

  it('ends each observer once, and survives a throwing sink', () => {
    const { tracer, obs } = setup({
      logger: {
        write() {
          throw new Error('disk full');
        },
      },
    });
    const observer = obs.startModelCall(start);
    expect(() => observer.end(ok)).not.toThrow();
    observer.end(ok);
    observer.event?.('late');
    expect(tracer.finishedSpans()).toHaveLength(1);
  });

  it('keeps secrets split across metadata fields out of logs', () => {
    const { logs, obs } = setup();
    obs
      .startModelCall({
        ...start,
        metadata: { userId: 'sk-proj-4f9Qx2Lw8Z', feature: 'r1Tb6Yc3Nd7Vh5Jm0Kp2Ws' },
      })
      .end(ok);
    expect(JSON.stringify(logs.records)).not.toMatch(/4f9Qx2|r1Tb6Y/);
  });

  it('can turn off tracing, logs, metrics and redaction', () => {
    const obs = createObservability({
      tracer: false,
      logger: false,
      metrics: false,
      redaction: false,
    });
    expect(obs.tracer).toBeUndefined();
    expect(obs.metrics).toBeUndefined();
    expect(() => obs.startModelCall(start).end(ok)).not.toThrow();
    expect(obs.redact(`key ${OPENAI_KEY}`)).toBe(`key ${OPENAI_KEY}`);
  });
});

describe('createObservability: tool calls and retrievals', () => {
  it('traces a tool execution as an execute_tool span with a record', async () => {
    const { clock, tracer, logs, obs } = setup();
    const observer = obs.startToolCall({
      toolName: 'get_weather',
      toolCallId: 'call_1',
      effect: 'read',
      metadata: { feature: 'chat' },
    });
    await clock.advance(40);
    observer.end({
      outcome: 'ok',
      decision: 'allowed',
      argumentsDigest: 'sha256:ab',
      resultTokens: 12,
      resultBytes: 48,
      truncated: false,
    });
    expect(tracer.finishedSpans()[0]).toMatchObject({
      name: 'execute_tool get_weather',
      kind: 'internal',
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.type': 'function',
        'keel.tool.effect': 'read',
        'keel.tool.decision': 'allowed',
        'keel.tool.result_tokens': 12,
        'keel.tool.truncated': false,
      },
    });
    expect(logs.records[0]).toMatchObject({
      event: 'tool-call',
      tool_name: 'get_weather',
      decision: 'allowed',
      result_bytes: 48,
      latency_ms: 40,
    });
    expect(
      obs.metrics?.value('gen_ai.execute_tool.duration', {
        'gen_ai.tool.name': 'get_weather',
        feature: 'chat',
      }),
    ).toBe(0.04);
  });

  it('traces a retrieval, with the query only when content is on', () => {
    const { tracer, logs, obs } = setup({ recordContent: true });
    obs
      .startRetrieval({
        mode: 'hybrid',
        k: 5,
        query: 'refund for jane@example.com',
        metadata: { feature: 'docs' },
      })
      .end({ outcome: 'ok', resultCount: 5, topScore: 0.82 });
    expect(tracer.finishedSpans()[0]).toMatchObject({
      name: 'retrieval',
      attributes: {
        'gen_ai.operation.name': 'retrieval',
        'gen_ai.request.top_k': 5,
        'gen_ai.retrieval.query.text': 'refund for [REDACTED:email]',
        'keel.retrieval.mode': 'hybrid',
        'keel.retrieval.result_count': 5,
        'keel.retrieval.top_score': 0.82,
      },
    });
    expect(logs.records[0]).toMatchObject({
      event: 'retrieval',
      mode: 'hybrid',
      result_count: 5,
      query: 'refund for [REDACTED:email]',
    });
  });
});

describe('createObservability: breakers', () => {
  it('follows breaker state as a gauge', () => {
    const { obs } = setup();
    const listeners: Record<string, () => void> = {};
    const subscribe = (name: string) => (listener: () => void) => {
      listeners[name] = listener;
      return () => {
        delete listeners[name];
      };
    };
    const breaker = {
      state: 'closed' as const,
      onBreak: subscribe('break'),
      onHalfOpen: subscribe('half'),
      onReset: subscribe('reset'),
    };
    const stop = obs.watchBreaker(breaker, 'openai:gpt-4o');
    expect(obs.metrics?.value('keel.breaker.state', { breaker: 'openai:gpt-4o' })).toBe(0);
    listeners.break?.();
    expect(obs.metrics?.value('keel.breaker.state', { breaker: 'openai:gpt-4o' })).toBe(2);
    listeners.half?.();
    expect(obs.metrics?.value('keel.breaker.state', { breaker: 'openai:gpt-4o' })).toBe(1);
    stop();
    expect(Object.keys(listeners)).toEqual([]);
  });
});
