/**
 * The one-line summary of a turn the CLI prints: mode, model, tokens, cost, time.
 */
import type { AnswerMode, UsageTotals } from './chat-events';

/** `offline mode · keel-extractive · 1,234 in / 56 out tokens · $0.0000 · 0.42 s`. */
export function formatUsage({
  mode,
  model,
  usage,
  seconds,
}: {
  mode: AnswerMode;
  model: string;
  usage: UsageTotals;
  seconds: number;
}): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return `${mode} mode · ${model} · ${count(usage.inputTokens)} in / ${count(usage.outputTokens)} out tokens · $${usage.costUsd.toFixed(4)} · ${seconds.toFixed(2)} s`;
}
