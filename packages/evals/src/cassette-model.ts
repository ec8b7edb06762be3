/**
 * A ChatModel that answers from a cassette: each distinct request is made once, recorded, and
 * replayed from then on (with the usage and cost it had when recorded).
 */
import type { CallOptions, ChatModel, ChatRequest, GenerateResult, StreamPart } from '@keel/core';
import { sha256 } from '@keel/core/internal';
import type { Cassette } from './cassette';

function requestKey(kind: string, model: ChatModel, request: ChatRequest): string {
  return `${kind}:${model.provider}:${model.modelId}:${sha256(JSON.stringify(request))}`;
}

/**
 * Wraps `model` so its answers come from `cassette` when recorded there. Requests are keyed
 * by provider, model and the request's content, so a changed prompt is a new recording.
 *
 * @example
 * ```ts
 * const judge = cassetteModel(createOpenAIModel({ model: 'gpt-4o-mini' }), cassette);
 * await runEval({ name: 'candidate', cases, task, scorers: [judgeScorer({ model: judge })] });
 * ```
 */
export function cassetteModel(model: ChatModel, cassette: Cassette): ChatModel {
  return {
    provider: model.provider,
    modelId: model.modelId,
    async generate(request: ChatRequest, options?: CallOptions): Promise<GenerateResult> {
      const { value } = await cassette.through(requestKey('generate', model, request), () =>
        model.generate(request, options),
      );
      return value;
    },
    async *stream(request: ChatRequest, options?: CallOptions): AsyncIterable<StreamPart> {
      const { value } = await cassette.through(requestKey('stream', model, request), async () => {
        const parts: StreamPart[] = [];
        for await (const part of model.stream(request, options)) parts.push(part);
        return parts;
      });
      yield* value;
    },
  };
}
