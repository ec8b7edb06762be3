import { EMPTY_USAGE, type ModelCallEnd, type ModelCallStart } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createObservability } from './create-observability';
import { memorySink } from './log-sink';
import type { SpanLike, TracerLike } from './span-types';
import { createTracer } from './tracer';

const start: ModelCallStart = {
  operation: 'generate',
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  metadata: { feature: 'chat' },
};
const ok: ModelCallEnd = { outcome: 'ok', usage: { ...EMPTY_USAGE }, attempts: 1 };

/** A tracer whose spans throw from the method named `failing`, counting `end` calls. */
function brittleTracer(failing: keyof SpanLike | 'startSpan') {
  const ends: number[] = [];
  const tracer: TracerLike = {
    startSpan() {
      if (failing === 'startSpan') throw new Error('exporter down');
      const fail = (method: string) => {
        if (method === failing) throw new Error(`${method} failed`);
      };
      let ended = 0;
      ends.push(0);
      const index = ends.length - 1;
      return {
        spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }),
        isRecording() {
          fail('isRecording');
          return true;
        },
        setAttributes: () => fail('setAttributes'),
        addEvent: () => fail('addEvent'),
        setStatus: () => fail('setStatus'),
        end() {
          ends[index] = ++ended;
          fail('end');
        },
      };
    },
  };
  return { tracer, ends };
}

describe('instrumentation never throws into the work and always ends its span', () => {
  for (const failing of [
    'startSpan',
    'isRecording',
    'setAttributes',
    'addEvent',
    'setStatus',
    'end',
  ] as const) {
    it(`a span whose ${failing} throws: the call is still logged, the span ended once`, () => {
      const { tracer, ends } = brittleTracer(failing);
      const logs = memorySink();
      const obs = createObservability({ tracer, logger: logs });
      const observer = obs.startModelCall(start);
      expect(() => observer.event?.('retry', { attempt: 2 })).not.toThrow();
      expect(() =>
        observer.end({ ...ok, outcome: 'error', errorType: 'RateLimitError' }),
      ).not.toThrow();
      expect(ends).toEqual(failing === 'startSpan' ? [] : [1]);
      expect(logs.records).toHaveLength(1);
      expect(logs.records[0]).toMatchObject({ outcome: 'error', error_type: 'RateLimitError' });
    });
  }

  it('an end result of the wrong shape still ends the span and keeps the caller safe', () => {
    const clock = createFakeClock();
    const tracer = createTracer({ clock });
    const obs = createObservability({ tracer, logger: false, clock });
    const observer = obs.startModelCall(start);
    // A foreign layer reporting no usage at all.
    expect(() =>
      observer.end({ outcome: 'ok', attempts: 1 } as unknown as ModelCallEnd),
    ).not.toThrow();
    expect(tracer.finishedSpans()).toHaveLength(1);
    expect(tracer.finishedSpans()[0]?.endTime).toBeDefined();
  });

  it('a throwing metrics recorder loses neither the log record nor the span', () => {
    const tracer = createTracer();
    const logs = memorySink();
    const failing = {
      add() {
        throw new Error('metrics exporter down');
      },
      record() {
        throw new Error('metrics exporter down');
      },
    };
    const meter = { createCounter: () => failing, createHistogram: () => failing };
    const obs = createObservability({ tracer, logger: logs, meter });
    obs.startToolCall({ toolName: 'search', toolCallId: 't1' }).end({
      outcome: 'ok',
      decision: 'allowed',
    });
    expect(logs.records).toHaveLength(1);
    expect(tracer.finishedSpans()).toHaveLength(1);
  });

  it('a throwing recordContent predicate records the call without content', () => {
    const logs = memorySink();
    const obs = createObservability({
      logger: logs,
      tracer: false,
      recordContent: () => {
        throw new Error('flag service down');
      },
    });
    const observer = obs.startModelCall({
      ...start,
      request: { messages: [{ role: 'user', content: 'private question' }] },
    });
    observer.end({ ...ok, output: 'private answer' });
    expect(logs.records).toHaveLength(1);
    expect(JSON.stringify(logs.records[0])).not.toContain('private');
  });

  it('a start hook that fails before the span returns an observer that does nothing', () => {
    const logs = memorySink();
    const obs = createObservability({ logger: logs, tracer: false });
    const hostile = {
      ...start,
      get metadata(): never {
        throw new Error('getter');
      },
    };
    const observer = obs.startModelCall(hostile);
    expect(() => observer.end(ok)).not.toThrow();
  });
});
