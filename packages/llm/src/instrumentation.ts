/**
 * Reporting through an {@link Instrumentation} without ever letting it break the call.
 */
import type { CallObserver, Instrumentation, ModelCallEnd, ModelCallStart } from '@keel/core';

/** An observer whose methods never throw; a no-op when there is no instrumentation. */
export function observeModelCall(
  instrumentation: Instrumentation | undefined,
  start: ModelCallStart,
): Required<CallObserver<ModelCallEnd>> {
  let observer: CallObserver<ModelCallEnd> | undefined;
  try {
    observer = instrumentation?.startModelCall?.(start);
  } catch {
    observer = undefined;
  }
  let ended = false;
  return {
    event(name, attributes) {
      try {
        observer?.event?.(name, attributes);
      } catch {
        // Instrumentation must not break the call it observes.
      }
    },
    end(result) {
      if (ended) return;
      ended = true;
      try {
        observer?.end(result);
      } catch {
        // Instrumentation must not break the call it observes.
      }
    },
  };
}
