/**
 * Checks a scripted reply when it is queued, so a typo fails the test at the line that made
 * it, with a message naming the field, instead of as a confusing response later.
 */
import { InvalidArgumentError, USAGE_FIELDS } from '@keel/core';
import { assertNumber, type NumberRule } from '@keel/core/internal';
import type { MockReply } from './mock-reply';

const finishReasons = new Set(['stop', 'length', 'tool-calls', 'content-filter']);
const faultCounts = [
  'delayMs',
  'stallAfterBytes',
  'stallAfterEvents',
  'stallMs',
  'resetAfterBytes',
  'resetAfterEvents',
  'malformedEvent',
  'oversizedEventBytes',
] as const;

/** Throws an {@link InvalidArgumentError} naming the first field of `reply` that cannot be served. */
export function validateReply(reply: MockReply, argument = 'reply'): void {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new InvalidArgumentError({
      argument,
      message: `${argument}.${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
    });
  };
  if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a reply object such as { text: 'Hi' } or a responder function, got ${JSON.stringify(reply)}`,
    });
  }
  if (reply.text !== undefined && typeof reply.text !== 'string')
    fail('text', 'a string', reply.text);
  if (
    reply.serverToolCalls !== undefined &&
    !(
      Array.isArray(reply.serverToolCalls) &&
      reply.serverToolCalls.every((c) => typeof c?.name === 'string')
    )
  ) {
    fail('serverToolCalls', 'an array of { name, input?, result? }', reply.serverToolCalls);
  }
  if (
    reply.citations !== undefined &&
    !(
      Array.isArray(reply.citations) &&
      reply.citations.every((c) => c !== null && typeof c === 'object')
    )
  ) {
    fail('citations', 'an array of citation objects', reply.citations);
  }
  if (
    reply.chunks !== undefined &&
    !(Array.isArray(reply.chunks) && reply.chunks.every((c) => typeof c === 'string'))
  ) {
    fail('chunks', 'an array of strings', reply.chunks);
  }
  if (reply.reasoning !== undefined && typeof reply.reasoning !== 'string') {
    fail('reasoning', 'a string', reply.reasoning);
  }
  if (reply.finishReason !== undefined && !finishReasons.has(reply.finishReason)) {
    fail(
      'finishReason',
      "one of 'stop', 'length', 'tool-calls', 'content-filter'",
      reply.finishReason,
    );
  }
  reply.toolCalls?.forEach((call, i) => {
    if (typeof call?.name !== 'string' || call.name === '')
      fail(`toolCalls[${i}].name`, 'a non-empty string', call?.name);
    if (call.arguments !== undefined && typeof call.arguments !== 'string') {
      fail(`toolCalls[${i}].arguments`, 'a string of JSON text', call.arguments);
    }
  });
  if (reply.toolCalls !== undefined && !Array.isArray(reply.toolCalls))
    fail('toolCalls', 'an array', reply.toolCalls);
  const count: NumberRule = { integer: true, min: 0 };
  const check = (field: string, value: unknown, rule: NumberRule) => {
    if (value !== undefined) assertNumber(`${argument}.${field}`, value, rule);
  };
  for (const field of USAGE_FIELDS) check(`usage.${field}`, reply.usage?.[field], count);
  const usage = reply.usage;
  if (
    usage?.inputTokens !== undefined &&
    (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0) > usage.inputTokens
  ) {
    fail(
      'usage.inputTokens',
      'at least cacheReadTokens + cacheWriteTokens (cached tokens are part of the input)',
      usage.inputTokens,
    );
  }
  if (reply.error !== undefined) {
    const { status } = reply.error;
    if (!(Number.isInteger(status) && status >= 400 && status <= 599))
      fail('error.status', 'an HTTP error status from 400 to 599', status);
    check('error.retryAfterMs', reply.error.retryAfterMs, { min: 0, unit: 'milliseconds' });
  }
  for (const field of faultCounts) check(`faults.${field}`, reply.faults?.[field], count);
  check('faults.tokensPerSecond', reply.faults?.tokensPerSecond, { greaterThan: 0 });
  const streamError = reply.faults?.streamError;
  if (streamError !== undefined) {
    assertNumber(`${argument}.faults.streamError.afterEvents`, streamError.afterEvents, count);
  }
  if (
    reply.embeddings !== undefined &&
    !(
      Array.isArray(reply.embeddings) &&
      reply.embeddings.every((v) => Array.isArray(v) && v.every(Number.isFinite))
    )
  ) {
    fail('embeddings', 'an array of number arrays', reply.embeddings);
  }
}
