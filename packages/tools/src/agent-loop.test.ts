import { getEventListeners } from 'node:events';
import type { Message } from '@keel/core';
import { createFakeChatModel } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { runAgent } from './run-agent';
import { streamAgent } from './stream-agent';

const ask: Message[] = [{ role: 'user', content: 'Hi' }];

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe("the agent loop and the caller's signal", () => {
  it('listens to the caller signal while it runs and lets go when it finishes', async () => {
    const controller = new AbortController();
    const model = createFakeChatModel([{ text: 'Hello there.' }]);
    const during: number[] = [];
    const run = streamAgent({ model, tools: [], messages: ask, signal: controller.signal });
    for await (const _part of run) during.push(listeners(controller.signal));
    expect(during[0]).toBe(1); // the last part, agent-finish, comes after the loop ended
    expect(listeners(controller.signal)).toBe(0);
  });

  it('lets go when the run throws', async () => {
    const controller = new AbortController();
    const model = createFakeChatModel([{ error: new Error('provider down') }]);
    await expect(
      runAgent({ model, tools: [], messages: ask, signal: controller.signal }),
    ).rejects.toThrow('provider down');
    expect(listeners(controller.signal)).toBe(0);
  });

  it('lets go when the consumer stops reading', async () => {
    const controller = new AbortController();
    const model = createFakeChatModel([{ text: 'one two three four' }]);
    for await (const _part of streamAgent({
      model,
      tools: [],
      messages: ask,
      signal: controller.signal,
    })) {
      expect(listeners(controller.signal)).toBe(1);
      break;
    }
    expect(listeners(controller.signal)).toBe(0);
    expect(controller.signal.aborted).toBe(false);
  });

  it('refuses a bad timeoutMs before it listens to the caller signal', async () => {
    const controller = new AbortController();
    const model = createFakeChatModel([{ text: 'x' }]);
    await expect(
      runAgent({ model, tools: [], messages: ask, signal: controller.signal, timeoutMs: -1 }),
    ).rejects.toThrow(/timeoutMs must be a finite number of milliseconds from 0 to 2147483647/);
    expect(listeners(controller.signal)).toBe(0);
  });
});
