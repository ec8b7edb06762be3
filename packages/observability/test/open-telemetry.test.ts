/**
 * Spans and metrics through the real OpenTelemetry SDK (in-memory exporter and a pull reader),
 * and the cost with the API alone (no SDK registered).
 */
import * as otelApi from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import {
  createMetricsRegistry,
  createObservability,
  memorySink,
  type TracerLike,
} from '../src/index';

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

function sdk() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const otel = {
    trace: { getTracer: (name: string) => tracerProvider.getTracer(name) },
    metrics: { getMeter: (name: string) => meterProvider.getMeter(name) },
  };
  return { exporter, reader, otel };
}

const usage = {
  inputTokens: 100,
  outputTokens: 20,
  cacheReadTokens: 60,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

describe('with the OpenTelemetry SDK', () => {
  it('exports model-call spans on the GenAI conventions', () => {
    const { exporter, otel } = sdk();
    const logs = memorySink();
    const obs = createObservability({ otel, logger: logs });
    const observer = obs.startModelCall({
      operation: 'generate',
      provider: 'anthropic',
      requestModel: 'claude-haiku-4-5',
      parameters: { maxTokens: 100 },
      metadata: { promptId: 'triage@2' },
    });
    observer.event?.('retry', { attempt: 2 });
    observer.end({
      outcome: 'error',
      usage,
      attempts: 2,
      errorType: 'RateLimitError',
      errorMessage: 'slow down, jane@example.com',
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('chat claude-haiku-4-5');
    expect(span?.kind).toBe(otelApi.SpanKind.CLIENT);
    expect(span?.status).toEqual({
      code: otelApi.SpanStatusCode.ERROR,
      message: 'slow down, [REDACTED:email]',
    });
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-haiku-4-5',
      'gen_ai.request.max_tokens': 100,
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.cache_read.input_tokens': 60,
      'keel.prompt.id': 'triage@2',
      'keel.attempts': 2,
      'error.type': 'RateLimitError',
    });
    expect(span?.events.map((e) => e.name)).toEqual(['retry', 'exception']);
    expect(logs.records[0]).toMatchObject({
      trace_id: span?.spanContext().traceId,
      span_id: span?.spanContext().spanId,
    });
  });

  it('exports execute_tool spans with the INTERNAL kind, metrics going to OTel only', () => {
    const { exporter, otel } = sdk();
    const obs = createObservability({ otel, logger: false });
    expect(obs.metrics).toBeUndefined();
    obs
      .startToolCall({ toolName: 'search', toolCallId: 't1' })
      .end({ outcome: 'ok', decision: 'allowed' });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('execute_tool search');
    expect(span?.kind).toBe(otelApi.SpanKind.INTERNAL);
    expect(span?.attributes['gen_ai.tool.call.id']).toBe('t1');
  });

  it('records metrics through the OTel meter, as well as in process', async () => {
    const { reader, otel } = sdk();
    const obs = createObservability({ otel, logger: false, metrics: createMetricsRegistry() });
    obs.startModelCall({ operation: 'generate', provider: 'openai', requestModel: 'gpt-4o' }).end({
      outcome: 'ok',
      usage,
      attempts: 1,
      costUsd: 0.01,
    });
    obs.recordBreakerState('openai', 'open');
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining([
        'gen_ai.client.token.usage',
        'gen_ai.client.operation.duration',
        'keel.tokens',
        'keel.cost',
        'keel.calls',
        'keel.breaker.state',
      ]),
    );
    const tokenUsage = byName.get('gen_ai.client.token.usage');
    expect(tokenUsage?.descriptor.unit).toBe('{token}');
    const input = tokenUsage?.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'input');
    expect(input?.value).toMatchObject({ sum: 100, count: 1 });
    expect(byName.get('keel.cost')?.dataPoints[0]?.value).toBe(0.01);
    expect(byName.get('keel.breaker.state')?.dataPoints[0]?.value).toBe(2);
    expect(
      obs.metrics?.value('keel.cost', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o',
      }),
    ).toBe(0.01);
  });
});

describe('with the OpenTelemetry API and no SDK', () => {
  it('creates non-recording spans and leaves trace ids out of logs', () => {
    const logs = memorySink();
    const obs = createObservability({ otel: otelApi, logger: logs });
    obs.startModelCall({ operation: 'generate', provider: 'openai', requestModel: 'gpt-4o' }).end({
      outcome: 'ok',
      usage,
      attempts: 1,
    });
    expect(logs.records[0]).not.toHaveProperty('trace_id');
    expect(logs.records[0]).toMatchObject({ outcome: 'ok', tokens_in: 100 });
  });

  it('computes no span attributes for a span that is not recording', () => {
    let setAttributes = 0;
    const tracer: TracerLike = {
      startSpan: () => ({
        spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) }),
        isRecording: () => false,
        setAttributes: () => setAttributes++,
        addEvent: () => setAttributes++,
        setStatus: () => setAttributes++,
        end: () => {},
      }),
    };
    const obs = createObservability({ tracer, logger: false, metrics: false });
    const observer = obs.startModelCall({
      operation: 'generate',
      provider: 'openai',
      requestModel: 'm',
    });
    observer.event?.('retry');
    observer.end({ outcome: 'error', usage, attempts: 1, errorType: 'X' });
    expect(setAttributes).toBe(0);
  });
});
