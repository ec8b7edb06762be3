/** Types of `replicas.mjs`, for the tests that start replicas with it. */

/** One running `docs-chat serve` process. */
export interface Replica {
  url: string;
  pid: number;
  /** What it wrote to stdout and stderr (until the start only, when `onOutput` is given). */
  output(): string;
  /** Stops it with `signal` (SIGTERM: a clean stop; SIGKILL: a crash); resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startReplica(
  env: Record<string, string>,
  options?: { onOutput?: (text: string) => void; startTimeoutMs?: number },
): Promise<Replica>;
