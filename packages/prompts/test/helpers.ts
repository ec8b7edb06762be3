/**
 * Helpers shared by the tests: catching an expected error, and a fake ChatModel.
 */
import { type ChatModel, type ChatRequest, EMPTY_USAGE } from '@keel/core';

/** The error `run` throws; fails the test when it returns. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The reason `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A ChatModel that answers `text` to every request and remembers the requests. */
export function fakeModel(text: string): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    provider: 'fake',
    modelId: 'fake-1',
    requests,
    async generate(request) {
      requests.push(request);
      return {
        text,
        responseModelId: 'fake-1',
        toolCalls: [],
        finishReason: 'stop',
        usage: EMPTY_USAGE,
      };
    },
    stream() {
      throw new Error('fakeModel does not stream');
    },
  };
}
