import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { jsonLinesSink, type LogRecord, memorySink, pinoSink } from './log-sink';

const record: LogRecord = {
  time: '2026-01-01T00:00:00.000Z',
  level: 'warn',
  event: 'model-call',
  msg: 'chat m abort',
  outcome: 'abort',
  tokens_in: 3,
};

describe('log sinks', () => {
  it('jsonLinesSink writes one JSON line per record', () => {
    const lines: string[] = [];
    jsonLinesSink({ write: (line) => lines.push(line) }).write(record);
    expect(lines).toEqual([`${JSON.stringify(record)}\n`]);
  });

  it('jsonLinesSink writes to stdout by default', () => {
    const chunks: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) =>
      chunks.push(chunk)) as unknown as typeof process.stdout.write;
    try {
      jsonLinesSink().write(record);
    } finally {
      process.stdout.write = original;
    }
    expect(JSON.parse(chunks.join(''))).toEqual(record);
  });

  it('pinoSink logs through a real pino logger at the record level', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ base: undefined }, stream);
    pinoSink(logger).write(record);
    const logged = JSON.parse(lines[0] ?? '{}');
    expect(logged).toMatchObject({
      level: 40,
      msg: 'chat m abort',
      event: 'model-call',
      tokens_in: 3,
    });
  });

  it('memorySink keeps records', () => {
    const sink = memorySink();
    sink.write(record);
    expect(sink.records).toEqual([record]);
  });
});
