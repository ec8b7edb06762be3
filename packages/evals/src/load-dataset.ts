/**
 * Datasets as JSONL files: one case per line, checked with a zod schema, every bad line
 * reported at once with its number.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { DatasetError, type DatasetLineIssue } from './dataset-error';

/** Options of {@link parseDataset}. */
export interface ParseDatasetOptions<Schema extends z.ZodType<{ id: string }>> {
  /** The case schema, e.g. `goldenCaseSchema` or `redTeamCaseSchema`. */
  schema: Schema;
  /** The file's name, for error messages; default `'dataset'`. */
  file?: string;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(case)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Parses JSONL text into cases. Blank lines are skipped; ids must be unique.
 *
 * @throws DatasetError naming every line that is not JSON, not a case, or repeats an id.
 * @example
 * ```ts
 * const cases = parseDataset('{"id":"q1","question":"What is MRR?","relevant":["docs/metrics.md"]}', {
 *   schema: goldenCaseSchema,
 * });
 * ```
 */
export function parseDataset<Schema extends z.ZodType<{ id: string }>>(
  text: string,
  { schema, file = 'dataset' }: ParseDatasetOptions<Schema>,
): z.output<Schema>[] {
  const cases: z.output<Schema>[] = [];
  const issues: DatasetLineIssue[] = [];
  const firstLineOf = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      issues.push({ line, message: `not JSON (${(error as Error).message})` });
      return;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      issues.push({ line, message: describeIssues(parsed.error) });
      return;
    }
    const { id } = parsed.data;
    const first = firstLineOf.get(id);
    if (first !== undefined) {
      issues.push({ line, message: `id "${id}" is already used on line ${first}` });
      return;
    }
    firstLineOf.set(id, line);
    cases.push(parsed.data);
  });
  if (issues.length > 0) throw new DatasetError({ file, issues });
  return cases;
}

/**
 * Reads a JSONL dataset file and parses it with {@link parseDataset}.
 *
 * @throws DatasetError naming every bad line of the file.
 * @example
 * ```ts
 * const golden = await loadDataset('eval/golden.jsonl', goldenCaseSchema);
 * const attacks = await loadDataset('eval/red-team.jsonl', redTeamCaseSchema);
 * ```
 */
export async function loadDataset<Schema extends z.ZodType<{ id: string }>>(
  path: string,
  schema: Schema,
): Promise<z.output<Schema>[]> {
  return parseDataset(await readFile(path, 'utf8'), { schema, file: path });
}
