/**
 * The error for a registry lookup of a prompt or version it does not hold.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.PromptNotFoundError';
const symbol = Symbol.for(marker);

/**
 * A registry has no prompt `id`, or not the asked `version` of it; `available` lists the
 * versions it has (empty for an unknown id).
 *
 * @example
 * ```ts
 * try { registry.get('summarize', 9) } catch (error) {
 *   if (PromptNotFoundError.isInstance(error)) console.error(error.available);
 * }
 * ```
 */
export class PromptNotFoundError extends KeelError {
  protected readonly [symbol] = true;

  readonly id: string;
  readonly version?: number;
  readonly available: readonly number[];

  constructor({ id, version, available }: { id: string; version?: number; available: number[] }) {
    super({
      name: 'PromptNotFoundError',
      message:
        available.length === 0
          ? `No prompt "${id}" in the registry; add prompts/${id}.v1.md or check the id`
          : `Prompt "${id}" has no version ${version}; available: ${available.join(', ')}`,
    });
    this.id = id;
    if (version !== undefined) this.version = version;
    this.available = available;
  }

  /** True for a {@link PromptNotFoundError} from any copy of Keel. */
  static override isInstance(error: unknown): error is PromptNotFoundError {
    return KeelError.hasMarker(error, marker);
  }
}
