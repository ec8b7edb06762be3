/**
 * Every version of every prompt, by id: the latest version by default, one pinned when a
 * rollout needs it, and the diff between any two.
 */
import { InvalidArgumentError } from '@keel/core';
import type { z } from 'zod';
import type { Prompt } from './define-prompt';
import { diffPrompts } from './diff-prompts';
import { PromptNotFoundError } from './prompt-not-found-error';

type AnyPrompt = Prompt<z.ZodType, z.ZodType | undefined>;

/** Options of {@link createPromptRegistry}. */
export interface PromptRegistryOptions {
  /** The version `get(id)` returns, by id, instead of the latest. */
  pins?: Readonly<Record<string, number>>;
}

/** A set of prompts by id and version. */
export interface PromptRegistry {
  /** The ids, sorted. */
  ids(): string[];
  /** The versions of `id`, ascending. @throws PromptNotFoundError for an unknown id. */
  versions(id: string): number[];
  /**
   * A version of `id`: the one asked for, else the pinned one, else the latest.
   *
   * @throws PromptNotFoundError for an unknown id or version.
   */
  get(id: string, version?: number): AnyPrompt;
  /** Makes `get(id)` return `version`. @throws PromptNotFoundError when it does not exist. */
  pin(id: string, version: number): void;
  /** Makes `get(id)` return the latest version again. */
  unpin(id: string): void;
  /** The pinned version of `id`, if any. */
  pinned(id: string): number | undefined;
  /** The diff from version `from` to version `to` of `id` (see `diffPrompts`). */
  diff(id: string, from: number, to: number): string;
}

/**
 * A registry of prompts, from files (`loadPromptDirectory`, `parsePromptFile`) or from modules
 * (`definePrompt`), or both.
 *
 * @throws InvalidArgumentError when two prompts share an id and version.
 * @throws PromptNotFoundError when a pin names a missing version.
 * @example
 * ```ts
 * const registry = createPromptRegistry([summarizeV1, summarizeV2], { pins: { summarize: 1 } });
 * registry.get('summarize').version; // 1
 * ```
 */
export function createPromptRegistry(
  prompts: Iterable<AnyPrompt>,
  { pins = {} }: PromptRegistryOptions = {},
): PromptRegistry {
  const byId = new Map<string, Map<number, AnyPrompt>>();
  for (const prompt of prompts) {
    const versions = byId.get(prompt.id) ?? new Map<number, AnyPrompt>();
    if (versions.has(prompt.version)) {
      throw new InvalidArgumentError({
        argument: 'prompts',
        message: `Two prompts are ${prompt.key}; give each version its own number`,
      });
    }
    byId.set(prompt.id, versions.set(prompt.version, prompt));
  }
  const pinnedVersions = new Map<string, number>();

  const versionsOf = (id: string): Map<number, AnyPrompt> => {
    const versions = byId.get(id);
    if (!versions) throw new PromptNotFoundError({ id, available: [] });
    return versions;
  };
  const sorted = (id: string) => [...versionsOf(id).keys()].sort((a, b) => a - b);
  const exact = (id: string, version: number): AnyPrompt => {
    const prompt = versionsOf(id).get(version);
    if (!prompt) throw new PromptNotFoundError({ id, version, available: sorted(id) });
    return prompt;
  };

  const registry: PromptRegistry = {
    ids: () => [...byId.keys()].sort(),
    versions: sorted,
    get(id, version) {
      const chosen = version ?? pinnedVersions.get(id) ?? sorted(id).at(-1);
      return exact(id, chosen as number);
    },
    pin(id, version) {
      exact(id, version);
      pinnedVersions.set(id, version);
    },
    unpin(id) {
      pinnedVersions.delete(id);
    },
    pinned: (id) => pinnedVersions.get(id),
    diff: (id, from, to) => diffPrompts(exact(id, from), exact(id, to)),
  };
  for (const [id, version] of Object.entries(pins)) registry.pin(id, version);
  return registry;
}
