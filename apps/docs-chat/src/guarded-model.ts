/**
 * A model whose answers pass through the output guard: whatever it streams (a provider's text,
 * the offline answerer's quotes) reaches the user, the stored conversation and the agent loop
 * with secrets redacted, links and images off the allowlist neutralised and raw HTML escaped.
 */
import type { ChatModel } from '@keel/core';
import type { OutputGuard } from '@keel/observability';

/** `model`, its streams and generated text guarded by `guard`. */
export function guardedModel(model: ChatModel, guard: OutputGuard): ChatModel {
  return {
    provider: model.provider,
    modelId: model.modelId,
    stream: (request, options) => guard.guard(model.stream(request, options)),
    async generate(request, options) {
      const result = await model.generate(request, options);
      return { ...result, text: guard.guardText(result.text) };
    },
  };
}
