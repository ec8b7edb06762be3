/**
 * Typed events: policies report what they do through listeners, never through logs.
 */

/** Subscribes a listener; returns a function that unsubscribes it. */
export type Subscribe<T> = (listener: (event: T) => void) => () => void;

/** An event source: `on` is handed to users, `emit` stays inside the policy. */
export interface EventChannel<T> {
  on: Subscribe<T>;
  emit(event: T): void;
}

/**
 * Creates an event channel. Listeners run synchronously in subscription order, as with Node's
 * EventEmitter; a listener must not throw (its error would surface from the policy's call).
 */
export function createEvent<T>(): EventChannel<T> {
  let listeners: ReadonlyArray<(event: T) => void> = [];
  return {
    on(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
  };
}
