import type { LogRecord } from '@keel/observability';
import { describe, expect, it } from 'vitest';
import { caseOperations, summarizeOperations } from './operations';

const record = (fields: Partial<LogRecord>): LogRecord => ({
  time: '2026-01-01T00:00:00.000Z',
  level: 'info',
  event: 'model-call',
  msg: '',
  outcome: 'ok',
  ...fields,
});

describe('caseOperations', () => {
  it('sums model-call and retrieval latency and model-call cost, and takes the first TTFT', () => {
    const operations = caseOperations([
      record({ event: 'retrieval', latency_ms: 20 }),
      record({ latency_ms: 300, ttft_ms: 120, cost_usd: 0.001 }),
      record({ latency_ms: 100, ttft_ms: 50, cost_usd: 0.0005, outcome: 'error' }),
      record({ event: 'tool-call', latency_ms: 999 }),
    ]);
    expect(operations).toEqual({ latencyMs: 420, ttftMs: 120, costUsd: 0.0015, modelCalls: 2 });
  });

  it('has no TTFT and no cost without streamed, priced calls', () => {
    expect(caseOperations([record({ latency_ms: 5 })])).toEqual({
      latencyMs: 5,
      ttftMs: null,
      costUsd: 0,
      modelCalls: 1,
    });
  });
});

describe('summarizeOperations', () => {
  it('gives percentiles, cost per answer and the error rate', () => {
    const ops = (latencyMs: number, ttftMs: number | null, costUsd: number) => ({
      latencyMs,
      ttftMs,
      costUsd,
      modelCalls: 1,
    });
    const summary = summarizeOperations([
      { operations: ops(100, 10, 0.01) },
      { operations: ops(200, null, 0.02) },
      { operations: ops(300, 30, 0.03), error: { name: 'Error', message: 'x' } },
      { operations: ops(400, 40, 0.04) },
    ]);
    expect(summary).toEqual({
      latencyP50Ms: 250,
      latencyP95Ms: 385,
      ttftP50Ms: 30,
      ttftP95Ms: 39,
      costPerAnswerUsd: 0.025,
      errorRate: 0.25,
    });
    expect(summarizeOperations([]).errorRate).toBeNull();
  });
});
