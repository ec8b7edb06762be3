/**
 * Checks of a request before anything is counted, reserved or sent.
 */
import { type ChatRequest, InvalidArgumentError } from '@keel/core';
import { assertProviderOptions, type ProviderApi } from './providers/assert-provider-options';
import { prepareFiles } from './providers/prepare-files';

/** The content each role takes: text for system, results for tool, text or parts otherwise. */
function assertMessage(message: unknown, index: number): void {
  const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
  const valid =
    role === 'system'
      ? typeof content === 'string'
      : role === 'tool'
        ? Array.isArray(content)
        : (role === 'user' || role === 'assistant') &&
          (typeof content === 'string' || Array.isArray(content));
  if (!valid) {
    throw new InvalidArgumentError({
      argument: `request.messages[${index}]`,
      message:
        `request.messages[${index}] needs a role and content such as { role: 'system', content: ` +
        "text }, { role: 'user' | 'assistant', content: text or parts } or { role: 'tool', " +
        'content: results }',
    });
  }
}

/** @throws InvalidArgumentError naming the first field of `request` that is malformed. */
export function assertRequest(request: ChatRequest): void {
  if (request === null || typeof request !== 'object') {
    throw new InvalidArgumentError({
      argument: 'request',
      message: 'request must be an object such as { messages: [{ role: "user", content: "Hi" }] }',
    });
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new InvalidArgumentError({
      argument: 'request.messages',
      message: 'request.messages must be a non-empty array of messages',
    });
  }
  request.messages.forEach(assertMessage);
  const { maxTokens, temperature, topP, providerOptions } = request;
  if (
    providerOptions !== undefined &&
    (providerOptions === null ||
      typeof providerOptions !== 'object' ||
      Array.isArray(providerOptions))
  ) {
    throw new InvalidArgumentError({
      argument: 'request.providerOptions',
      message: 'request.providerOptions must be an object such as { reasoningEffort: "low" }',
    });
  }
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw new InvalidArgumentError({
      argument: 'request.maxTokens',
      message: `request.maxTokens must be a whole number > 0, got ${maxTokens}`,
    });
  }
  if (
    temperature !== undefined &&
    !(Number.isFinite(temperature) && temperature >= 0 && temperature <= 2)
  ) {
    throw new InvalidArgumentError({
      argument: 'request.temperature',
      message: `request.temperature must be between 0 and 2, got ${temperature}`,
    });
  }
  if (topP !== undefined && !(Number.isFinite(topP) && topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError({
      argument: 'request.topP',
      message: `request.topP must be in (0, 1], got ${topP}`,
    });
  }
}

/**
 * A request checked for `api` and ready for its driver: fields checked, provider options
 * checked against the output limit (the request's, else `defaultMaxTokens`), files prepared.
 *
 * @throws InvalidArgumentError, UnsupportedOptionError or InvalidFileError before anything is sent.
 */
export function readyRequest(
  api: ProviderApi,
  given: ChatRequest,
  defaultMaxTokens: number | undefined,
): { request: ChatRequest; maxTokens: number | undefined } {
  assertRequest(given);
  const maxTokens = given.maxTokens ?? defaultMaxTokens;
  assertProviderOptions(api, given, maxTokens);
  return { request: prepareFiles(api, given), maxTokens };
}
