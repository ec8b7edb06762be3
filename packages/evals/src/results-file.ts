/**
 * The results file: one {@link CaseResult} per line, appended as cases finish, so a run
 * interrupted half-way resumes where it stopped and `compare` reads two runs back.
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import type { CaseResult } from './case-result';
import { DatasetError, type DatasetLineIssue } from './dataset-error';

/**
 * The results of a file, the last line of each case winning (a case retried on resume is
 * written again). A last line cut short by an interruption is ignored.
 *
 * @throws DatasetError when a line other than the last is not a result.
 * @example
 * ```ts
 * const baseline = await readResults('eval/baseline.jsonl');
 * ```
 */
export async function readResults(path: string): Promise<CaseResult[]> {
  if (!existsSync(path)) return [];
  const lines = (await readFile(path, 'utf8')).split('\n');
  const byId = new Map<string, CaseResult>();
  const issues: DatasetLineIssue[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const result = JSON.parse(line) as CaseResult;
      if (typeof result.id !== 'string' || typeof result.scores !== 'object') {
        throw new Error('expected an object with "id" and "scores"');
      }
      byId.delete(result.id);
      byId.set(result.id, result);
    } catch (error) {
      // Only the final line can be cut short; it has no newline after it.
      if (index === lines.length - 1) return;
      issues.push({ line: index + 1, message: `not a case result (${(error as Error).message})` });
    }
  });
  if (issues.length > 0) throw new DatasetError({ file: path, issues });
  return [...byId.values()];
}

/** Appends results one line each, in order, after ending any line an interruption cut short. */
export function resultsWriter(path: string): (result: CaseResult) => Promise<void> {
  let writes: Promise<void> = (async () => {
    if (!existsSync(path)) return;
    const text = await readFile(path, 'utf8');
    if (text !== '' && !text.endsWith('\n')) await appendFile(path, '\n', 'utf8');
  })();
  return function writeResult(result) {
    writes = writes.then(() => appendFile(path, `${JSON.stringify(result)}\n`, 'utf8'));
    return writes;
  };
}
