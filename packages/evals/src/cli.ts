/**
 * The `keel-evals` command. Ctrl-C stops the run; results already written stay in the
 * results file, and the same command resumes after them.
 */
import { main } from './cli-main';

const controller = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\nkeel-evals: interrupted; run the same command again to resume\n');
  controller.abort();
});

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`keel-evals: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
