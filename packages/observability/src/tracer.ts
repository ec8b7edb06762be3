/**
 * A small built-in tracer for apps without OpenTelemetry: W3C-sized trace and span ids, parent
 * links, events and status, kept in a bounded buffer that renders as a span tree. It has the
 * same `startSpan` shape as an OTel tracer, so the rest of the package treats both alike.
 */
import { type Clock, systemClock } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import {
  type Attributes,
  SPAN_KIND,
  SPAN_STATUS,
  type SpanContextLike,
  type SpanLike,
  type StartSpanOptions,
  type TracerLike,
} from './span-types';

/** A finished (or running) span of the built-in tracer. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'client';
  /** Clock milliseconds. */
  startTime: number;
  endTime?: number;
  attributes: Attributes;
  events: { name: string; time: number; attributes?: Attributes }[];
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
}

/** A span and its children, as {@link Tracer.spanTree} returns them. */
export interface SpanNode {
  span: SpanRecord;
  children: SpanNode[];
}

/** Where the current span is kept: Node's `AsyncLocalStorage` fits. */
export interface ContextStorage {
  getStore(): unknown;
  run<R>(store: unknown, callback: () => R): R;
}

/** Options of {@link createTracer}. */
export interface TracerOptions {
  clock?: Clock;
  /** Finished spans kept for {@link Tracer.finishedSpans} and the tree; oldest dropped. Default 1,000. */
  maxSpans?: number;
  /** Called with every span as it ends (export it, print it, assert on it). */
  onEnd?: (span: SpanRecord) => void;
  /**
   * Makes {@link Tracer.withSpan} set the parent of spans started inside it, across awaits.
   * Pass `new AsyncLocalStorage()` from `node:async_hooks` (also on most edge runtimes).
   * Without it, pass parents explicitly.
   */
  contextStorage?: ContextStorage;
  /** Random bytes for ids; a test seam. Default `crypto.getRandomValues`, pooled. */
  randomBytes?: (length: number) => Uint8Array;
}

/** Options of {@link Tracer.startSpan}. */
export interface TracerStartOptions extends StartSpanOptions {
  /** The parent; default: the span of the enclosing {@link Tracer.withSpan}, if any. */
  parent?: SpanLike | null;
}

/** The built-in tracer. */
export interface Tracer extends TracerLike {
  startSpan(name: string, options?: TracerStartOptions): SpanLike;
  /** Runs `fn` with `span` as the parent of spans started inside (needs `contextStorage`). */
  withSpan<T>(span: SpanLike, fn: () => T): T;
  /** Spans that ended, oldest first. */
  finishedSpans(): readonly SpanRecord[];
  /** Finished spans as trees (roots are spans whose parent is not among them). */
  spanTree(traceId?: string): SpanNode[];
  /** Forgets finished spans. */
  clear(): void;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

/** Random bytes drawn from a pool refilled 4 KiB at a time (one system call per 170 spans). */
function pooledRandomBytes(): (length: number) => Uint8Array {
  const pool = new Uint8Array(4_096);
  let offset = pool.length;
  return (length) => {
    if (offset + length > pool.length) {
      crypto.getRandomValues(pool);
      offset = 0;
    }
    offset += length;
    return pool.subarray(offset - length, offset);
  };
}

function clean(attributes: Attributes | undefined, into: Attributes): void {
  if (!attributes) return;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value !== undefined) into[key] = value;
  }
}

class BuiltinSpan implements SpanLike {
  ended = false;
  constructor(
    readonly record: SpanRecord,
    private readonly clock: Clock,
    private readonly finish: (span: SpanRecord) => void,
  ) {}
  spanContext(): SpanContextLike {
    return { traceId: this.record.traceId, spanId: this.record.spanId };
  }
  isRecording(): boolean {
    return !this.ended;
  }
  setAttributes(attributes: Attributes): this {
    if (!this.ended) clean(attributes, this.record.attributes);
    return this;
  }
  addEvent(name: string, attributes?: Attributes, time?: number): this {
    if (this.ended) return this;
    const event: SpanRecord['events'][number] = { name, time: time ?? this.clock.now() };
    if (attributes) {
      event.attributes = {};
      clean(attributes, event.attributes);
    }
    this.record.events.push(event);
    return this;
  }
  setStatus({ code, message }: { code: number; message?: string }): this {
    if (this.ended) return this;
    this.record.status =
      code === SPAN_STATUS.error ? 'error' : code === SPAN_STATUS.ok ? 'ok' : 'unset';
    if (message !== undefined) this.record.statusMessage = message;
    return this;
  }
  end(endTime?: number): void {
    if (this.ended) return;
    this.ended = true;
    this.record.endTime = endTime ?? this.clock.now();
    this.finish(this.record);
  }
}

/**
 * Creates the built-in tracer.
 *
 * @example
 * ```ts
 * const tracer = createTracer({ contextStorage: new AsyncLocalStorage() });
 * const obs = createObservability({ tracer });
 * const root = tracer.startSpan('answer question');
 * await tracer.withSpan(root, () => llm.generate(request)); // model spans become children
 * root.end();
 * tracer.spanTree(); // [{ span: { name: 'answer question', ... }, children: [...] }]
 * ```
 */
export function createTracer(options: TracerOptions = {}): Tracer {
  const {
    clock = systemClock,
    maxSpans = 1_000,
    onEnd,
    contextStorage,
    randomBytes = pooledRandomBytes(),
  } = options;
  assertNumber('maxSpans', maxSpans, { integer: true, min: 0 });
  // Up to twice `maxSpans` are held and trimmed in one go, so ending a span stays O(1) once
  // the buffer is full (trimming on every end copied the whole buffer each time).
  let finished: SpanRecord[] = [];
  const startOrder = new WeakMap<SpanRecord, number>();
  let started = 0;

  function finish(record: SpanRecord): void {
    if (maxSpans > 0) {
      finished.push(record);
      if (finished.length >= 2 * maxSpans) finished = finished.slice(-maxSpans);
    }
    onEnd?.(record);
  }

  function kept(): SpanRecord[] {
    return finished.length > maxSpans ? finished.slice(-maxSpans) : finished;
  }

  return {
    startSpan(name, { parent, kind, attributes, startTime } = {}) {
      const active = parent === undefined ? contextStorage?.getStore() : parent;
      const parentContext =
        typeof active === 'object' && active !== null && 'spanContext' in active
          ? (active as SpanLike).spanContext()
          : undefined;
      const record: SpanRecord = {
        traceId: parentContext?.traceId ?? hex(randomBytes(16)),
        spanId: hex(randomBytes(8)),
        name,
        kind: kind === SPAN_KIND.client ? 'client' : 'internal',
        startTime: startTime ?? clock.now(),
        attributes: {},
        events: [],
        status: 'unset',
      };
      if (parentContext) record.parentSpanId = parentContext.spanId;
      startOrder.set(record, started++);
      clean(attributes, record.attributes);
      return new BuiltinSpan(record, clock, finish);
    },
    withSpan(span, fn) {
      return contextStorage ? contextStorage.run(span, fn) : fn();
    },
    finishedSpans: kept,
    spanTree(traceId) {
      const spans = traceId ? kept().filter((s) => s.traceId === traceId) : kept();
      const nodes = new Map<string, SpanNode>();
      for (const span of spans) nodes.set(span.spanId, { span, children: [] });
      const roots: SpanNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
        (parent ? parent.children : roots).push(node);
      }
      // Spans started in the same millisecond keep the order they were started in.
      const byStart = (a: SpanNode, b: SpanNode) =>
        a.span.startTime - b.span.startTime ||
        (startOrder.get(a.span) ?? 0) - (startOrder.get(b.span) ?? 0);
      for (const node of nodes.values()) node.children.sort(byStart);
      return roots.sort(byStart);
    },
    clear() {
      finished = [];
    },
  };
}
