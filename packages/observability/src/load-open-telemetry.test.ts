import { describe, expect, it, vi } from 'vitest';
import { loadOpenTelemetry } from './load-open-telemetry';

describe('loadOpenTelemetry', () => {
  it('resolves to the @opentelemetry/api module when it is installed', async () => {
    const api = await loadOpenTelemetry();
    expect(typeof api?.trace.getTracer).toBe('function');
    expect(typeof api?.metrics?.getMeter).toBe('function');
  });

  it('resolves to undefined when the module is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@opentelemetry/api'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      loadOpenTelemetry({ importer: () => Promise.reject(missing) }),
    ).resolves.toBeUndefined();
  });

  it('reads a CommonJS default export, and refuses something that is not the API', async () => {
    const trace = { getTracer: () => ({}) };
    await expect(
      loadOpenTelemetry({ importer: async () => ({ default: { trace } }) }),
    ).resolves.toEqual({ trace });
    await expect(
      loadOpenTelemetry({ importer: async () => ({ trace: {} }) }),
    ).resolves.toBeUndefined();
  });
});

describe('without @opentelemetry/api installed', () => {
  it('the package loads and traces with the built-in tracer', async () => {
    vi.resetModules();
    vi.doMock('@opentelemetry/api', () => {
      throw new Error("Cannot find package '@opentelemetry/api'");
    });
    try {
      const { createObservability, loadOpenTelemetry: load, memorySink } = await import('./index');
      const otel = await load();
      expect(otel).toBeUndefined();
      const logs = memorySink();
      const obs = createObservability({ logger: logs, ...(otel ? { otel } : {}) });
      obs.startRetrieval({ mode: 'vector', k: 3 }).end({ outcome: 'ok', resultCount: 3 });
      expect(logs.records[0]?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      vi.doUnmock('@opentelemetry/api');
    }
  });
});
