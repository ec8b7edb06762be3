/**
 * The name a failure is reported under in instrumentation: its class, never its message.
 */

/** `error.name`, its constructor's name for a plain `Error`, else the value's type. */
export function errorName(error: unknown): string {
  if (error instanceof Error) {
    return error.name !== 'Error' ? error.name : (error.constructor?.name ?? 'Error');
  }
  return typeof error;
}
