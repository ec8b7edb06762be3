/**
 * The README's examples, run as written (with a fake model in place of `anyChatModel`, a
 * captured stdout, and a fixed price in place of `estimateCost` from @keel/tokens).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Usage } from '@keel/core';
import { createFakeChatModel } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import {
  createObservability,
  createSpendGuard,
  createTracer,
  instrument,
  jsonLinesSink,
  loadOpenTelemetry,
  type SpanRecord,
} from '../src/index';

describe('README examples', () => {
  it('the quick start: one redacted JSON line per call, and Prometheus text without OTel', async () => {
    const lines: string[] = [];
    const anyChatModel = createFakeChatModel(
      { text: 'Hello!', usage: { inputTokens: 9, outputTokens: 12 } },
      { modelId: 'gpt-4o-mini' },
    );
    const estimateCost = (usage: Usage, _modelId: string) => ({
      total: usage.inputTokens * 1.5e-7 + usage.outputTokens * 6e-7,
    });
    const obs = createObservability({
      otel: await loadOpenTelemetry({ importer: () => Promise.reject(new Error('absent')) }),
      logger: jsonLinesSink({ write: (line) => lines.push(line) }),
    });
    const model = instrument(anyChatModel, {
      instrumentation: obs,
      cost: (usage, modelId) => estimateCost(usage, modelId).total,
    });
    await model.generate({
      messages: [{ role: 'user', content: 'Hi' }],
      metadata: { userId: 'u1', feature: 'chat' },
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'info',
      event: 'model-call',
      msg: 'chat gpt-4o-mini ok',
      user_id: 'u1',
      feature: 'chat',
      tokens_in: 9,
      tokens_out: 12,
      cost_usd: 9 * 1.5e-7 + 12 * 6e-7,
    });
    expect(obs.metrics?.prometheus()).toMatch(/^keel_calls_total\{.*outcome="ok".*\} 1$/m);
  });

  it('the built-in tracer makes model spans children of the enclosing span', async () => {
    const exported: SpanRecord[] = [];
    const tracer = createTracer({
      contextStorage: new AsyncLocalStorage(),
      onEnd: (span) => exported.push(span),
    });
    const obs = createObservability({ tracer, logger: false });
    const agent = instrument(createFakeChatModel({ text: 'ok' }, { modelId: 'gpt-4o-mini' }), {
      instrumentation: obs,
    });
    const root = tracer.startSpan('answer question');
    await tracer.withSpan(root, () =>
      agent.generate({ messages: [{ role: 'user', content: 'why?' }] }),
    );
    root.end();
    const [tree] = tracer.spanTree();
    expect(tree?.span.name).toBe('answer question');
    expect(tree?.children.map((child) => child.span.name)).toEqual(['chat gpt-4o-mini']);
    expect(exported).toHaveLength(2);
  });

  it('the spend guard fires once when a user passes the threshold', async () => {
    const alerts: string[] = [];
    const alert = (message: string) => alerts.push(message);
    const spendGuard = createSpendGuard({
      limits: [
        { by: 'userId', thresholdUsd: 5, windowMs: 86_400_000 },
        { by: 'feature', thresholdUsd: 200, windowMs: 3_600_000 },
      ],
      onExceeded: ({ by, key, spendUsd }) => alert(`${by} ${key} spent $${spendUsd.toFixed(2)}`),
    });
    const obs = createObservability({ spendGuard, logger: false });
    const model = instrument(createFakeChatModel({ text: 'ok' }), {
      instrumentation: obs,
      cost: () => 2,
    });
    for (let i = 0; i < 4; i++) {
      await model.generate({
        messages: [{ role: 'user', content: 'hi' }],
        metadata: { userId: 'u1', feature: 'chat' },
      });
    }
    expect(alerts).toEqual(['userId u1 spent $6.00']);
  });
});
