/**
 * Per-record overhead: one model call observed end to end (a span with the GenAI attributes, a
 * redacted JSON log record, metrics). Compared in one process with what an app would write by
 * hand with the peer libraries: pino logging the same record plus an OpenTelemetry SDK span
 * with the same attributes, both without redaction. Logs go to a stream that drops them;
 * spans to an SDK tracer provider with no exporter.
 */
import { Writable } from 'node:stream';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { bench, describe } from 'vitest';
import { createObservability, createTracer, jsonLinesSink, pinoSink } from '../dist/index.js';

const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const logger = pino({ base: undefined }, devNull);
const otelTracer = new BasicTracerProvider().getTracer('bench');

const start = {
  operation: 'generate' as const,
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  metadata: { userId: 'user-8812', feature: 'docs-chat', promptId: 'answer@3' },
  parameters: { maxTokens: 512, temperature: 0.2 },
};
const end = {
  outcome: 'ok' as const,
  responseModel: 'gpt-4o-mini-2024-07-18',
  responseId: 'chatcmpl-123',
  finishReason: 'stop' as const,
  usage: {
    inputTokens: 1200,
    outputTokens: 180,
    cacheReadTokens: 1024,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  },
  costUsd: 0.000291,
  attempts: 1,
};

const builtin = createObservability({
  tracer: createTracer({ maxSpans: 0 }),
  logger: jsonLinesSink({ write: () => {} }),
});
const withOtel = createObservability({ tracer: otelTracer, logger: pinoSink(logger) });

describe('one model call: span + log record (+ metrics for Keel)', () => {
  bench('keel: OTel SDK tracer + pino sink + metrics, redacted', () => {
    withOtel.startModelCall(start).end(end);
  });
  bench('keel: built-in tracer + JSON lines + metrics, redacted', () => {
    builtin.startModelCall(start).end(end);
  });
  bench('by hand: OTel SDK span + pino, no redaction, no metrics', () => {
    const span = otelTracer.startSpan('chat gpt-4o-mini', {
      kind: 2,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.max_tokens': 512,
        'gen_ai.request.temperature': 0.2,
      },
    });
    span.setAttributes({
      'gen_ai.response.model': end.responseModel,
      'gen_ai.response.id': end.responseId,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 180,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'keel.cost_usd': end.costUsd,
    });
    span.end();
    const { traceId, spanId } = span.spanContext();
    logger.info(
      {
        event: 'model-call',
        trace_id: traceId,
        span_id: spanId,
        user_id: 'user-8812',
        feature: 'docs-chat',
        prompt_id: 'answer@3',
        model: end.responseModel,
        tokens_in: 1200,
        tokens_cached: 1024,
        tokens_out: 180,
        cost_usd: end.costUsd,
        latency_ms: 1,
        attempts: 1,
        outcome: 'ok',
      },
      'chat gpt-4o-mini ok',
    );
  });
});
