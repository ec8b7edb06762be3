/**
 * The README's examples, read from README.md and run against the source, so a README change
 * that breaks one fails here. Stand-ins: a fake model for `anyChatModel` and `agent`, a fixed
 * price for `estimateCost` from @keel/tokens, OTel absent, and log lines captured instead of
 * written to stdout.
 */
import * as asyncHooks from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import type { Usage } from '@keel/core';
import { readmeExample, runExample } from '@keel/readme-examples';
import { createFakeChatModel } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import type { Observability, ObservabilityOptions, SpanRecord, Tracer } from '../src/index';
import * as observability from '../src/index';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The package, with `createObservability` remembering what it made and logging to `lines`. */
function observabilityModule(lines: string[] = []) {
  const made: Observability[] = [];
  const module = {
    ...observability,
    loadOpenTelemetry: () =>
      observability.loadOpenTelemetry({ importer: () => Promise.reject(new Error('absent')) }),
    createObservability: (options: ObservabilityOptions = {}) => {
      const obs = observability.createObservability({
        ...options,
        logger: observability.jsonLinesSink({ write: (line) => lines.push(line) }),
      });
      made.push(obs);
      return obs;
    },
  };
  return { module, made };
}

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
    const { obs } = (await runExample(readmeExample(readme, 'quick-start'), {
      modules: {
        '@keel/observability': observabilityModule(lines).module,
        '@keel/tokens': { estimateCost },
      },
      scope: { anyChatModel },
    })) as { obs: Observability };
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
    const { module, made } = observabilityModule();
    const fake = createFakeChatModel({ text: 'ok' }, { modelId: 'gpt-4o-mini' });
    const agent = {
      run: (question: string) => {
        const obs = made[0];
        if (obs === undefined)
          throw new Error('the example runs the agent before createObservability');
        const model = observability.instrument(fake, { instrumentation: obs });
        return model.generate({ messages: [{ role: 'user', content: question }] });
      },
    };
    const { tracer } = (await runExample(readmeExample(readme, 'tracing'), {
      modules: { 'node:async_hooks': asyncHooks, '@keel/observability': module },
      scope: { agent, question: 'why?', exporter: (span: SpanRecord) => exported.push(span) },
    })) as { tracer: Tracer };
    const [tree] = tracer.spanTree();
    expect(tree?.span.name).toBe('answer question');
    expect(tree?.children.map((child) => child.span.name)).toEqual(['chat gpt-4o-mini']);
    expect(exported.map((span) => span.name)).toEqual(['chat gpt-4o-mini', 'answer question']);
  });

  it('the spend guard fires once when a user passes the threshold', async () => {
    const alerts: string[] = [];
    const { obs } = (await runExample(readmeExample(readme, 'spend-guard'), {
      modules: { '@keel/observability': observabilityModule().module },
      scope: { alert: (message: string) => alerts.push(message) },
    })) as { obs: Observability };
    const model = observability.instrument(createFakeChatModel({ text: 'ok' }), {
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

  it('the output guard strips an attacker image, keeps an allowed link, and counts it', async () => {
    const sent: string[] = [];
    const model = createFakeChatModel({ text: 'Logo: ![x](https://evil.example/l.png) done.' });
    const { obs, guard } = (await runExample(readmeExample(readme, 'output-guard'), {
      modules: { '@keel/observability': observabilityModule().module },
      scope: {
        model,
        request: { messages: [{ role: 'user', content: 'hi' }] },
        send: (text: string) => sent.push(text),
      },
    })) as { obs: Observability; guard: observability.OutputGuard };
    expect(sent.join('')).toBe('Logo: (image removed: x) done.');
    expect(
      guard.guardText(
        'See ![chart](https://evil.example/c.png?d=secret) or [the guide](https://docs.example.com/guide).',
      ),
    ).toBe('See (image removed: chart) or [the guide](https://docs.example.com/guide).');
    // The stream, the example's guardText and the one above.
    expect(
      obs.metrics?.value('keel.output_guard.decisions', {
        kind: 'image-removed',
        rule: 'markdown-image',
      }),
    ).toBe(3);
  });
});
