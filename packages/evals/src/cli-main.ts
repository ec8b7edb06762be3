/**
 * `keel-evals`: `run <config>` runs an evaluation and gates on its thresholds; `compare
 * <baseline> <candidate>` compares two results files and gates on theirs. The exit code is 1
 * when a threshold is missed, 2 on a usage error.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compareRuns } from './compare-runs';
import type { EvalConfig } from './eval-config';
import { formatComparison, formatRun } from './format-report';
import { formatComparisonHtml, formatRunHtml } from './html-report';
import type { OperationsMetric } from './operations';
import { readResults } from './results-file';
import { runEval } from './run-eval';
import { checkThresholds } from './summarize-run';
import { type ProgressStream, terminalProgress } from './terminal-progress';

/** Where the command reads and writes. */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  cwd: string;
  signal?: AbortSignal;
}

const USAGE = `Usage:
  keel-evals run <config.mjs> [--out results.jsonl] [--json] [--html report.html]
  keel-evals compare <baseline.jsonl> <candidate.jsonl> [--seed N] [--resamples N]
      [--max-drop metric=0.02]... [--min metric=0.8]... [--max latencyP95Ms=4000]... [--json]
      [--html report.html]
`;

class UsageError extends Error {}

/** Writes the HTML report when `--html` names a file, and says where on stderr. */
async function writeHtml(values: Record<string, unknown>, io: CliIo, page: () => string) {
  const file = values.html as string | undefined;
  if (file === undefined) return;
  const path = resolve(io.cwd, file);
  await writeFile(path, page());
  io.stderr.write(`keel-evals: report written to ${path}\n`);
}

function pairs(values: readonly string[] | undefined, option: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const value of values ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(value);
    const number = Number(match?.[2]);
    if (match === null || !Number.isFinite(number)) {
      throw new UsageError(`--${option} takes name=number, got "${value}"`);
    }
    result[match[1] as string] = number;
  }
  return result;
}

function integer(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number))
    throw new UsageError(`--${option} takes a whole number, got "${value}"`);
  return number;
}

async function run(
  positionals: string[],
  values: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const [file] = positionals;
  if (file === undefined || positionals.length > 1)
    throw new UsageError('run takes one config file');
  const module = (await import(pathToFileURL(resolve(io.cwd, file)).href)) as {
    default?: EvalConfig;
  };
  const config = module.default;
  if (config === undefined || typeof config.task !== 'function') {
    throw new UsageError(
      `${file} must default-export a config: { name, cases, task, scorers?, thresholds? }`,
    );
  }
  const { thresholds = {}, ...options } = config;
  const out = values.out as string | undefined;
  const result = await runEval({
    ...options,
    ...(out !== undefined && { resultsPath: resolve(io.cwd, out) }),
    onProgress: terminalProgress(io.stderr),
    ...(io.signal !== undefined && { signal: io.signal }),
  });
  const missed = checkThresholds(result.summary, thresholds);
  if (result.stopped === 'cost-cap') {
    missed.push(`the cost cap stopped the run with ${result.skipped.length} cases not run`);
  }
  await writeHtml(values, io, () => formatRunHtml({ ...result, missed }));
  io.stdout.write(
    values.json
      ? `${JSON.stringify({ name: result.name, summary: result.summary, skipped: result.skipped, missed })}\n`
      : `${formatRun(result.summary)}${missed.length === 0 ? 'All thresholds met.\n' : `Thresholds missed:\n${missed.map((m) => `  - ${m}`).join('\n')}\n`}`,
  );
  return missed.length === 0 ? 0 : 1;
}

async function compare(
  positionals: string[],
  values: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  if (positionals.length !== 2)
    throw new UsageError('compare takes a baseline and a candidate results file');
  const [baseline, candidate] = await Promise.all(
    positionals.map((file) => readResults(resolve(io.cwd, file))),
  );
  const comparison = compareRuns(baseline ?? [], candidate ?? [], {
    seed: integer(values.seed as string | undefined, 'seed', 1),
    resamples: integer(values.resamples as string | undefined, 'resamples', 2_000),
    thresholds: {
      maxDrop: pairs(values['max-drop'] as string[] | undefined, 'max-drop'),
      min: pairs(values.min as string[] | undefined, 'min'),
      max: pairs(values.max as string[] | undefined, 'max') as Partial<
        Record<OperationsMetric, number>
      >,
    },
  });
  await writeHtml(values, io, () =>
    formatComparisonHtml({ comparison, baseline: baseline ?? [], candidate: candidate ?? [] }),
  );
  io.stdout.write(values.json ? `${JSON.stringify(comparison)}\n` : formatComparison(comparison));
  return comparison.missed.length === 0 ? 0 : 1;
}

/**
 * Runs the command line `argv` (without `node` and the script) and resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'string' },
        seed: { type: 'string' },
        resamples: { type: 'string' },
        'max-drop': { type: 'string', multiple: true },
        min: { type: 'string', multiple: true },
        max: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (command === 'run') return await run(rest, values, io);
    if (command === 'compare') return await compare(rest, values, io);
    throw new UsageError(command === undefined ? 'give a command' : `unknown command "${command}"`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr.write(`keel-evals: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
