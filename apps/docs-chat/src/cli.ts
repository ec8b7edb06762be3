#!/usr/bin/env node
/**
 * The docs-chat command: `serve`, `ask`, `ingest` and `eval`. Configuration comes from the
 * environment (see .env.example) and is checked before anything starts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { type App, createApp } from './app';
import type { TurnRequest } from './chat-engine';
import { parseUserId } from './chat-request';
import { type Config, loadConfig } from './config';
import { ConfigError } from './config-error';
import { DataDirLockedError } from './data-dir-locked-error';
import { formatUsage } from './format-usage';
import { progressBar } from './progress-bar';
import { ingestThroughServer } from './remote-ingest';
import { runBundledEval, runEval } from './run-eval';

const USAGE = `Usage: docs-chat <command>

  serve                     ingest the corpus (only what changed) and serve the chat on DOCS_CHAT_PORT
  ask "question"            answer one question in the terminal (--conversation <id> to continue
                            one, --user <id> to ask as that user; approvals are asked for here)
  ingest <folder|file>...   add markdown, text and code to the index (only changed files are embedded);
                            while a server holds the data directory (or with --server <url>), send
                            them to it as the user's own documents (--user <id>, default $USER)
  eval                      the bundled answer-quality sets (eval/*.jsonl) on the bundled corpus plus
                            the planted attack pages: figures, goals, failing cases (--check exits 1
                            when a goal is missed, --json prints the figures as JSON)
  eval <golden.jsonl>       retrieval metrics and answer checks (--k <n>, default 5)

Configuration: environment variables, see .env.example. No key: offline mode.`;

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

function banner(app: App): string {
  const { mode, model } = app.answerer;
  return mode === 'offline'
    ? 'offline mode: extractive answers quoted from the documents, no model. Set OPENAI_API_KEY, ANTHROPIC_API_KEY or OPENAI_BASE_URL to use one.\n'
    : `${mode} mode: ${model}\n`;
}

async function ingestWithBar(app: App, paths?: string[]): Promise<void> {
  const bar = progressBar();
  const report = paths
    ? await app.knowledge.ingest(paths, {
        onProgress: bar.update,
        trusted: app.config.trustedCorpus,
      })
    : await app.ingestCorpus(bar.update);
  bar.done();
  const { documents, chunks } = await app.knowledge.count();
  const index = `${documents} documents, ${chunks} chunks in the index`;
  err(
    report.changed + report.removed + report.skipped.length === 0
      ? `index up to date: ${report.scanned} files unchanged since the last ingest; ${index}\n`
      : `checked ${report.scanned} files: ${report.changed} embedded, ${report.unchanged} unchanged, ${report.removed} removed, ${report.skipped.length} skipped, ${report.chunks} chunks in ${(report.elapsedMs / 1_000).toFixed(1)} s; ${index}\n`,
  );
  if (report.reembedded > 0) {
    err(`${report.reembedded} stored documents embedded again (their vectors were missing)\n`);
  }
  for (const { id, reason } of report.skipped) err(`skipped ${id}: ${reason}\n`);
  for (const { id, secrets } of report.redacted) {
    err(`${secrets} ${secrets === 1 ? 'secret' : 'secrets'} redacted in ${id}\n`);
  }
  for (const { id, sentences } of report.flagged) {
    err(
      `${sentences} instruction-like ${sentences === 1 ? 'sentence' : 'sentences'} flagged in ${id} (never quoted)\n`,
    );
  }
}

/** Prints one turn; returns its outcome, conversation and the approvals it waits for. */
async function printTurn(app: App, request: TurnRequest) {
  const started = performance.now();
  let usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  let conversationId = request.conversationId ?? '';
  let outcome = 'error';
  let failed = false;
  const waiting: Array<{ token: string; toolName: string; input: unknown }> = [];
  for await (const event of app.engine.turn(request)) {
    if (event.type === 'text') out(event.delta);
    else if (event.type === 'tool') {
      err(`\n· ${event.summary}\n`);
      if (event.approval) waiting.push({ ...event.approval, toolName: event.toolName });
    } else if (event.type === 'citations') {
      out('\n\nSources:\n');
      for (const c of event.citations) {
        out(`  [${c.citationId}] ${c.sourceId}:${c.startLine}-${c.endLine}\n`);
      }
    } else if (event.type === 'error') {
      err(`\nerror: ${event.message}\n`);
      failed = true;
    } else if (event.type === 'usage') {
      usage = event.turn; // the last one is the turn's total
    } else if (event.type === 'meta') {
      conversationId = event.conversationId;
    } else if (event.type === 'finish') {
      outcome = event.outcome;
      if (outcome === 'cancelled') err('\ncancelled\n');
      if (outcome === 'budget-exceeded') {
        err(
          "\nYou've reached today's usage limit; the answer stops here. It resets at 00:00 UTC.\n",
        );
      }
      const seconds = (performance.now() - started) / 1_000;
      err(
        `\n${formatUsage({ mode: app.answerer.mode, model: app.answerer.model, usage, seconds })}\n`,
      );
    }
  }
  return { outcome, conversationId, waiting, failed };
}

/** Asks the person at the terminal to decide each waiting call. */
async function decide(waiting: Array<{ token: string; toolName: string; input: unknown }>) {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const decisions = [];
    for (const call of waiting) {
      const answer = await prompt.question(
        `\n${call.toolName} wants to run with ${JSON.stringify(call.input)}\nApprove? [y/N] `,
      );
      decisions.push({ token: call.token, approved: /^y(es)?$/i.test(answer.trim()) });
    }
    return decisions;
  } finally {
    prompt.close();
  }
}

async function ask(app: App, question: string, userId: string, conversationId?: string) {
  if ((await app.knowledge.count()).documents === 0) await ingestWithBar(app);
  err(banner(app));
  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new Error('Interrupted'));
  process.once('SIGINT', onInterrupt);
  const base = { userId, feature: 'cli', signal: controller.signal };
  try {
    let turn = await printTurn(app, {
      ...base,
      message: question,
      ...(conversationId && { conversationId }),
    });
    while (turn.outcome === 'pending-approval' && turn.waiting.length > 0 && process.stdin.isTTY) {
      const approvals = await decide(turn.waiting);
      turn = await printTurn(app, { ...base, conversationId: turn.conversationId, approvals });
    }
    if (turn.outcome === 'pending-approval') {
      err(
        `\nA tool waits for approval. Decide in the web page (docs-chat serve, user "${userId}"), or run this command in a terminal.\n`,
      );
    }
    err(
      `conversation ${turn.conversationId} (continue with --conversation ${turn.conversationId} --user ${userId})\n`,
    );
    return turn.failed ? 1 : 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function serve(app: App): Promise<void> {
  await ingestWithBar(app);
  const url = await app.listen();
  err(banner(app));
  err(`docs-chat is listening on ${url} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  err('stopping…\n');
}

/** `docs-chat eval`: the bundled sets on an app of their own (the data directory is not used). */
async function bundledEval(config: Config, { check, json }: { check: boolean; json: boolean }) {
  err(
    'evaluating the bundled sets on the bundled corpus plus test/fixtures/planted (its own temporary index)…\n',
  );
  const report = await runBundledEval(config, {
    onProgress: ({ done, total }) => {
      if (process.stderr.isTTY) err(`\r${done}/${total}${done === total ? '\n' : ''}`);
    },
  });
  out(
    json
      ? `${JSON.stringify({ figures: report.figures, goals: report.goals }, null, 2)}\n`
      : report.text,
  );
  return check && report.goals.some((goal) => !goal.met) ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      conversation: { type: 'string' },
      user: { type: 'string' },
      server: { type: 'string' },
      k: { type: 'string' },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const checks: Record<string, () => string | undefined> = {
    serve: () => undefined,
    ask: () =>
      rest.length === 0 ? 'ask needs a question: docs-chat ask "How do budgets work?"' : undefined,
    ingest: () =>
      rest.length === 0 ? 'ingest needs a folder or file: docs-chat ingest ./docs' : undefined,
    eval: () =>
      rest.length > 1
        ? 'eval takes at most one golden file: docs-chat eval, or docs-chat eval golden.jsonl'
        : undefined,
  };
  const check = checks[command];
  if (!check) {
    err(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  }
  const problem = check();
  if (problem) {
    err(`${problem}\n`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (command === 'eval' && rest.length === 0) {
    return bundledEval(config, { check: values.check === true, json: values.json === true });
  }
  const userId = () => parseUserId(values.user ?? process.env.USER ?? 'cli');
  const paths = rest.map((path) => resolve(path));
  const toServer = (url: string) =>
    ingestThroughServer({ url, userId: userId(), paths, write: err });
  if (command === 'ingest' && values.server) return toServer(values.server);
  let app: App;
  try {
    // The CLI commands print to the terminal; request logs only matter when serving.
    app = await createApp({ config, ...(command !== 'serve' && { write: false }) });
  } catch (error) {
    // A server holds the data directory: the files go to it, through its HTTP API.
    if (command !== 'ingest' || !DataDirLockedError.isInstance(error)) throw error;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    err(`${config.dataDir} is in use by a running docs-chat (process ${error.pid})\n`);
    return toServer(`http://${host}:${config.port}`);
  }
  try {
    if (command === 'serve') await serve(app);
    else if (command === 'ask') {
      return await ask(app, rest.join(' '), userId(), values.conversation);
    } else if (command === 'ingest') await ingestWithBar(app, paths);
    else {
      if ((await app.knowledge.count()).documents === 0) await ingestWithBar(app);
      const k = values.k ? Number.parseInt(values.k, 10) : 5;
      const report = await runEval(app, readFileSync(rest[0] as string, 'utf8'), k);
      out(`${report.table}\n\nAnswer checks:\n`);
      for (const check of report.answers) {
        out(
          `  ${check.passed ? 'pass' : 'FAIL'}  ${check.id}${check.problems.length > 0 ? `: ${check.problems.join('; ')}` : ''}\n`,
        );
      }
      const failed = report.answers.filter((check) => !check.passed).length;
      out(`${report.answers.length - failed}/${report.answers.length} answers passed\n`);
      return failed > 0 ? 1 : 0;
    }
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(`docs-chat: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
