/**
 * The README's agent example, run against a scripted model so that it keeps compiling and
 * working. The code between the markers is the README's code block (checked below); the
 * services it calls (`helpCentre`, `orders`, `payments`, `mailer`, `audit`, `confirm`) are
 * stand-ins declared here.
 */
import { readFileSync } from 'node:fs';
import type { ChatModel } from '@keel/core';
import { createFakeChatModel } from '@keel/testing';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { createToolbox, defineTool, runAgent } from './index';

interface Order {
  id: string;
  email: string;
  totalUsd: number;
  refunded: boolean;
}
const orders = new Map<string, Order>([
  ['A-1001', { id: 'A-1001', email: 'ana@example.com', totalUsd: 42, refunded: false }],
]);
const outbox: string[] = [];
const helpCentre = {
  search: async (query: string, limit: number) =>
    [`Refunds are possible within 30 days (${query})`].slice(0, limit),
};
const payments = {
  refund: async (orderId: string, _reason: string, _options: { signal: AbortSignal }) => {
    const order = orders.get(orderId);
    if (order !== undefined) order.refunded = true;
    return { refunded: orderId };
  },
};
const mailer = {
  send: async ({ to, subject }: { to: string; subject: string; body: string }) => {
    outbox.push(`${to}: ${subject}`);
    return 'sent';
  },
};
const audit: unknown[] = [];
const confirm = (_question: string) => true;

// --- README example starts here ---
const searchDocs = defineTool({
  name: 'search_docs',
  description: 'Search the help centre. Returns the best matching passages.',
  input: z.object({
    query: z.string().min(2).max(200),
    limit: z.number().int().min(1).max(10).optional(),
  }),
  effect: 'read',
  run: async ({ query, limit = 3 }) => helpCentre.search(query, limit),
});

const getOrder = defineTool({
  name: 'get_order',
  description: 'Look up an order by its id, e.g. A-1001.',
  input: z.object({ orderId: z.string().regex(/^A-\d{4}$/) }),
  output: z.object({
    id: z.string(),
    email: z.string(),
    totalUsd: z.number(),
    refunded: z.boolean(),
  }),
  effect: 'read',
  run: async ({ orderId }) => orders.get(orderId),
});

const refundOrder = defineTool({
  name: 'refund_order',
  description: 'Refund an order in full.',
  input: z.object({ orderId: z.string().regex(/^A-\d{4}$/), reason: z.string().max(500) }),
  effect: 'write', // waits for approval by default
  timeoutMs: 10_000,
  run: async ({ orderId, reason }, { signal }) => payments.refund(orderId, reason, { signal }),
});

const sendEmail = defineTool({
  name: 'send_email',
  description: 'Email a customer.',
  input: z.object({ to: z.email(), subject: z.string().max(120), body: z.string().max(5_000) }),
  effect: 'external', // waits for approval by default
  run: async ({ to, subject, body }) => mailer.send({ to, subject, body }),
});

const toolbox = createToolbox([searchDocs, getOrder, refundOrder, sendEmail], {
  onRecord: (record) => audit.push(record), // decision, argument digest, latency, result size
});

async function handle(model: ChatModel, question: string) {
  let state = await runAgent({
    model,
    tools: toolbox,
    system: 'You are a support agent. Refund only when the policy allows it.',
    messages: [{ role: 'user', content: question }],
    maxSteps: 8,
    maxCostUsd: 0.05,
    timeoutMs: 60_000,
  });
  while (state.stopReason === 'pending-approval') {
    // Show each held call to a person; the token only runs exactly these arguments, once.
    const approvals = state.pendingApprovals.map((pending) => ({
      token: pending.token,
      approved: confirm(`${pending.toolName} ${JSON.stringify(pending.input)}`),
    }));
    state = await runAgent({
      model,
      tools: toolbox,
      state,
      approvals,
      maxSteps: 8,
      maxCostUsd: 0.05,
    });
  }
  return { answer: state.text, stopReason: state.stopReason, costUsd: state.costUsd };
}
// --- README example ends here ---

it('runs the README agent with a scripted model', async () => {
  const model = createFakeChatModel(
    [
      {
        toolCalls: [
          { name: 'search_docs', input: { query: 'refund policy' } },
          { name: 'get_order', input: { orderId: 'A-1001' } },
        ],
      },
      {
        toolCalls: [
          { name: 'refund_order', input: { orderId: 'A-1001', reason: 'Within 30 days' } },
        ],
      },
      {
        toolCalls: [
          {
            name: 'send_email',
            input: { to: 'ana@example.com', subject: 'Your refund', body: 'Done.' },
          },
        ],
      },
      { text: 'Order A-1001 is refunded and Ana has been told.' },
    ],
    { modelId: 'gpt-4o-mini' },
  );
  const result = await handle(model, 'Please refund order A-1001.');
  expect(result.stopReason).toBe('final-answer');
  expect(result.answer).toBe('Order A-1001 is refunded and Ana has been told.');
  expect(result.costUsd).toBeGreaterThan(0);
  expect(orders.get('A-1001')?.refunded).toBe(true);
  expect(outbox).toEqual(['ana@example.com: Your refund']);
  expect(audit).toHaveLength(6); // 2 reads, 2 held calls, 2 approved runs
});

it('is the README example, letter for letter but for formatting', () => {
  // Whitespace and trailing commas differ: the README is not run through the formatter.
  const normalise = (code: string) => code.replace(/\s+/g, '').replace(/,([)\]}])/g, '$1');
  const source = readFileSync(new URL('./readme-example.test.ts', import.meta.url), 'utf8');
  const inTest = source
    .split('// --- README example starts here ---\n')[1]
    ?.split('// --- README example ends here ---')[0];
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = readme.split('## A support agent with four tools')[1]?.split('```ts\n')[1];
  const inReadme = block?.split('```')[0]?.split("import { z } from 'zod';\n")[1];
  expect(inTest).toBeDefined();
  expect(normalise(inReadme ?? '')).toBe(normalise(inTest ?? ''));
});
