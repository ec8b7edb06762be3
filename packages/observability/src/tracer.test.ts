import { AsyncLocalStorage } from 'node:async_hooks';
import { InvalidArgumentError } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { SPAN_KIND, SPAN_STATUS } from './span-types';
import { createTracer } from './tracer';

describe('createTracer', () => {
  it('gives W3C-sized hex ids and links children to their parent', () => {
    const tracer = createTracer();
    const root = tracer.startSpan('root');
    const child = tracer.startSpan('child', { parent: root, kind: SPAN_KIND.client });
    child.end();
    root.end();
    const [childRecord, rootRecord] = tracer.finishedSpans();
    expect(rootRecord?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(rootRecord?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(childRecord).toMatchObject({
      traceId: rootRecord?.traceId,
      parentSpanId: rootRecord?.spanId,
      kind: 'client',
    });
    expect(rootRecord?.parentSpanId).toBeUndefined();
  });

  it('records attributes, events, status and times from its clock', async () => {
    const clock = createFakeClock({ now: 1_000 });
    const tracer = createTracer({ clock });
    const span = tracer.startSpan('work', { attributes: { a: 1, skipped: undefined } });
    await clock.advance(250);
    span.addEvent('retry', { attempt: 2 });
    span.setStatus({ code: SPAN_STATUS.error, message: 'boom' });
    span.end();
    span.end(); // a second end is ignored
    span.setAttributes({ late: true }); // and so is anything after the end
    expect(tracer.finishedSpans()).toEqual([
      expect.objectContaining({
        startTime: 1_000,
        endTime: 1_250,
        attributes: { a: 1 },
        events: [{ name: 'retry', time: 1_250, attributes: { attempt: 2 } }],
        status: 'error',
        statusMessage: 'boom',
      }),
    ]);
    expect(span.isRecording()).toBe(false);
  });

  it('orders spans started in the same millisecond by when they started, not ended', () => {
    const tracer = createTracer({ clock: createFakeClock({ now: 5_000 }) });
    const first = tracer.startSpan('first');
    const second = tracer.startSpan('second');
    second.end();
    first.end();
    expect(tracer.spanTree().map((n) => n.span.name)).toEqual(['first', 'second']);
  });

  it('parents spans through withSpan and a context storage, across awaits', async () => {
    const tracer = createTracer({ contextStorage: new AsyncLocalStorage() });
    const root = tracer.startSpan('agent');
    await tracer.withSpan(root, async () => {
      await Promise.resolve();
      tracer.startSpan('model').end();
      tracer.startSpan('tool').end();
    });
    tracer.startSpan('outside').end();
    root.end();
    const tree = tracer.spanTree();
    expect(tree.map((n) => n.span.name)).toEqual(['agent', 'outside']);
    expect(tree[0]?.children.map((n) => n.span.name)).toEqual(['model', 'tool']);
    expect(tracer.spanTree(tree[1]?.span.traceId)).toHaveLength(1);
  });

  it('keeps at most maxSpans, calls onEnd for each, and clears', () => {
    const ended: string[] = [];
    const tracer = createTracer({ maxSpans: 2, onEnd: (span) => ended.push(span.name) });
    for (const name of ['a', 'b', 'c']) tracer.startSpan(name).end();
    expect(tracer.finishedSpans().map((s) => s.name)).toEqual(['b', 'c']);
    expect(ended).toEqual(['a', 'b', 'c']);
    tracer.clear();
    expect(tracer.finishedSpans()).toEqual([]);
  });

  it('keeps exactly the newest maxSpans through many trims, for the list and the tree', () => {
    const tracer = createTracer({ maxSpans: 3 });
    for (let i = 0; i < 20; i++) {
      tracer.startSpan(`s${i}`).end();
      const names = tracer.finishedSpans().map((s) => s.name);
      expect(names).toEqual(
        Array.from({ length: Math.min(i + 1, 3) }, (_, k) => `s${i - Math.min(i, 2) + k}`),
      );
      expect(tracer.spanTree()).toHaveLength(names.length);
    }
  });

  it('rejects a bad maxSpans', () => {
    expect(() => createTracer({ maxSpans: -1 })).toThrow(InvalidArgumentError);
  });
});
