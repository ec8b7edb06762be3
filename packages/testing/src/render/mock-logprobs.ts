/**
 * Log probabilities for the mock's text deltas, when a request asks for them: deterministic
 * values in OpenAI's shape (Chat Completions `logprobs.content`, Responses delta `logprobs`).
 */

/** How many alternatives a request asked for; `undefined` when it asked for no logprobs. */
export function requestedLogprobs(body: Record<string, unknown>): number | undefined {
  const top = typeof body.top_logprobs === 'number' ? body.top_logprobs : 0;
  const include = Array.isArray(body.include) ? body.include : [];
  if (body.logprobs === true || include.includes('message.output_text.logprobs')) return top;
  return undefined;
}

/** One entry per delta (the mock's deltas are about a token each), with `top` alternatives. */
export function mockLogprobs(text: string, top: number) {
  const logprob = -(text.length % 7) / 10;
  return [
    {
      token: text,
      logprob,
      bytes: [...new TextEncoder().encode(text)],
      top_logprobs: Array.from({ length: top }, (_, rank) => ({
        token: rank === 0 ? text : `${text}~${rank}`,
        logprob: logprob - rank,
        bytes: [],
      })),
    },
  ];
}
