/**
 * Loads `@opentelemetry/api` when it is installed, and nothing when it is not: the package is
 * an optional peer, so no module of Keel imports it statically.
 */
import type { OpenTelemetryApiLike } from './span-types';

/** Options of {@link loadOpenTelemetry}. */
export interface LoadOpenTelemetryOptions {
  /** Imports the module; a test seam. Default: a dynamic `import('@opentelemetry/api')`. */
  importer?: () => Promise<unknown>;
}

// A variable specifier, so bundlers do not fail the build of apps that leave the peer out.
const OTEL_API = '@opentelemetry/api';

/**
 * Resolves to the `@opentelemetry/api` module, or `undefined` when it is not installed.
 *
 * @example
 * ```ts
 * const obs = createObservability({ otel: await loadOpenTelemetry() }); // built-in tracer without OTel
 * ```
 */
export async function loadOpenTelemetry(
  options: LoadOpenTelemetryOptions = {},
): Promise<OpenTelemetryApiLike | undefined> {
  const { importer = () => import(/* @vite-ignore */ OTEL_API) } = options;
  try {
    const loaded = (await importer()) as Partial<OpenTelemetryApiLike> & {
      default?: Partial<OpenTelemetryApiLike>;
    };
    const api = loaded.trace ? loaded : loaded.default;
    return api?.trace && typeof api.trace.getTracer === 'function'
      ? (api as OpenTelemetryApiLike)
      : undefined;
  } catch {
    return undefined;
  }
}
