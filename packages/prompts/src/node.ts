/**
 * @keel/prompts/node: loading a registry from a directory of prompt files, for Node (the main
 * entry point stays free of `node:` imports so it runs on edge runtimes).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePromptFile, promptFileName } from './parse-prompt-file';
import {
  createPromptRegistry,
  type PromptRegistry,
  type PromptRegistryOptions,
} from './prompt-registry';

/**
 * A registry of every `<id>.v<N>.md` file in `directory` (not its subdirectories); other files,
 * such as a README, are left alone.
 *
 * @throws PromptFileError for a malformed prompt file.
 * @example
 * ```ts
 * const prompts = await loadPromptDirectory(new URL('../prompts', import.meta.url).pathname);
 * const messages = await prompts.get('summarize').render({ page, words: 50 });
 * ```
 */
export async function loadPromptDirectory(
  directory: string,
  options?: PromptRegistryOptions,
): Promise<PromptRegistry> {
  const names = (await readdir(directory))
    .filter((name) => promptFileName(name) !== undefined)
    .sort();
  const files = await Promise.all(
    names.map(async (name) => ({
      path: join(directory, name),
      content: await readFile(join(directory, name), 'utf8'),
    })),
  );
  return createPromptRegistry(files.map(parsePromptFile), options);
}
