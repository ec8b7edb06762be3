/**
 * Where log records go. A sink receives one record per model call, tool call and retrieval,
 * already redacted. JSON lines on stdout by default, an adapter for pino, and an in-memory
 * sink for tests.
 */

/** One log record; field names are snake_case, as log pipelines expect. */
export interface LogRecord {
  /** ISO 8601 time the work ended. */
  time: string;
  level: 'info' | 'warn' | 'error';
  /** What ended: `'model-call'`, `'tool-call'` or `'retrieval'`. */
  event: 'model-call' | 'tool-call' | 'retrieval';
  /** A short human message, e.g. `'chat gpt-4o-mini ok'`. */
  msg: string;
  outcome: 'ok' | 'error' | 'abort';
  [field: string]: unknown;
}

/** Receives records. `write` must not throw; if it does, the record is dropped. */
export interface LogSink {
  write(record: LogRecord): void;
}

/** Options of {@link jsonLinesSink}. */
export interface JsonLinesSinkOptions {
  /** Receives each line, newline included. Default: `process.stdout.write`. */
  write?: (line: string) => void;
}

function stdoutWrite(line: string): void {
  const stdout = (globalThis as { process?: { stdout?: { write(chunk: string): unknown } } })
    .process?.stdout;
  if (stdout) stdout.write(line);
  // Edge runtimes have no stdout; their console is the log stream.
  // biome-ignore lint/suspicious/noConsole: the only output an edge runtime offers
  else console.log(line.slice(0, -1));
}

/**
 * Writes each record as one line of JSON (stdout by default).
 *
 * @example
 * ```ts
 * const obs = createObservability({ logger: jsonLinesSink({ write: (line) => file.write(line) }) });
 * ```
 */
export function jsonLinesSink(options: JsonLinesSinkOptions = {}): LogSink {
  const { write = stdoutWrite } = options;
  return {
    write(record) {
      write(`${JSON.stringify(record)}\n`);
    },
  };
}

/** A pino-like logger: any object with `info`, `warn` and `error` taking `(object, message)`. */
export interface PinoLike {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/**
 * Sends records to a pino logger (or anything with pino's `(object, message)` methods), at the
 * record's level. pino adds its own `time`, `level` and `msg`, so those fields are not repeated.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const obs = createObservability({ logger: pinoSink(pino()) });
 * ```
 */
export function pinoSink(logger: PinoLike): LogSink {
  return {
    write({ time: _time, level, msg, ...fields }) {
      logger[level](fields, msg);
    },
  };
}

/** A sink that keeps records in memory. */
export interface MemorySink extends LogSink {
  readonly records: LogRecord[];
}

/**
 * Keeps records in an array, for tests and for apps that ship logs themselves.
 *
 * @example
 * ```ts
 * const sink = memorySink();
 * const obs = createObservability({ logger: sink });
 * // ... make a call ...
 * expect(sink.records[0]).toMatchObject({ event: 'model-call', outcome: 'ok' });
 * ```
 */
export function memorySink(): MemorySink {
  const records: LogRecord[] = [];
  return {
    records,
    write(record) {
      records.push(record);
    },
  };
}
