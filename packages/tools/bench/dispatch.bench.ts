/**
 * What the dispatcher costs on top of what hand-written tool code does anyway (validate with
 * zod, call the function), and what a provider schema costs on top of zod's own JSON Schema
 * converter. No peer library is named for tools, so the baselines are the bare steps; vitest
 * prints the ratios. @keel/tools is measured as published (the built dist/).
 */
import { bench, describe } from 'vitest';
import { z } from 'zod';
import { createToolbox, defineTool, toAnthropicTool, toOpenAIChatTool } from '../dist/index.js';

const input = z.object({
  city: z.string().max(100),
  unit: z.enum(['C', 'F']).optional(),
  days: z.number().int().min(1).max(14).default(1),
});
const run = async ({ city, days }: { city: string; days: number }) => ({ city, days, tempC: 4 });
const tool = defineTool({
  name: 'get_weather',
  description: 'Weather.',
  input,
  effect: 'read',
  run,
});
const toolbox = createToolbox([tool]);
const call = {
  toolCallId: 'call_1',
  toolName: 'get_weather',
  input: { city: 'Oslo', unit: 'C', days: 3 },
};

// Warm the token encoding so the first measured dispatch does not pay for loading it.
await toolbox.dispatch(call);

describe('one read call', () => {
  bench('baseline: zod safeParse + run', async () => {
    const parsed = input.safeParse(call.input);
    if (parsed.success) await run(parsed.data);
  });
  bench('@keel/tools: toolbox.dispatch', async () => {
    await toolbox.dispatch(call);
  });
});

describe('provider schema of one tool', () => {
  bench('baseline: z.toJSONSchema', () => {
    z.toJSONSchema(input, { io: 'input' });
  });
  bench('@keel/tools: toOpenAIChatTool (strict)', () => {
    toOpenAIChatTool(tool);
  });
  bench('@keel/tools: toAnthropicTool', () => {
    toAnthropicTool(tool);
  });
});
