/**
 * The README's quick start (the support agent), read from README.md and run against a scripted
 * model, so a README change that breaks it fails here. The services it calls (`helpCentre`,
 * `orders`, `payments`, `mailer`, `audit`, `confirm`) are stand-ins declared below.
 */
import { readFileSync } from 'node:fs';
import type { ChatModel } from '@keel/core';
import { readmeExample, runExample } from '@keel/readme-examples';
import { createFakeChatModel } from '@keel/testing';
import { expect, it } from 'vitest';
import * as zod from 'zod';
import * as tools from './index';

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

it('runs the README agent with a scripted model', async () => {
  const model = createFakeChatModel(
    [
      {
        toolCalls: [
          { name: 'search_docs', input: { query: 'refund policy' } },
          { name: 'get_order', input: { orderId: 'A-1001' } },
        ],
        costUsd: 0.0004,
      },
      {
        toolCalls: [
          { name: 'refund_order', input: { orderId: 'A-1001', reason: 'Within 30 days' } },
        ],
        costUsd: 0.0004,
      },
      {
        toolCalls: [
          {
            name: 'send_email',
            input: { to: 'ana@example.com', subject: 'Your refund', body: 'Done.' },
          },
        ],
        costUsd: 0.0004,
      },
      { text: 'Order A-1001 is refunded and Ana has been told.', costUsd: 0.0003 },
    ],
    { modelId: 'gpt-4o-mini' },
  );
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const { handle } = (await runExample(readmeExample(readme, 'quick-start'), {
    modules: { '@keel/tools': tools, zod },
    scope: { helpCentre, orders, payments, mailer, audit, confirm },
  })) as { handle: (model: ChatModel, question: string) => Promise<Record<string, unknown>> };
  const result = await handle(model, 'Please refund order A-1001.');
  expect(result.stopReason).toBe('final-answer');
  expect(result.answer).toBe('Order A-1001 is refunded and Ana has been told.');
  expect(result.costUsd).toBeCloseTo(0.0015, 12);
  expect(orders.get('A-1001')?.refunded).toBe(true);
  expect(outbox).toEqual(['ana@example.com: Your refund']);
  expect(audit).toHaveLength(6); // 2 reads, 2 held calls, 2 approved runs
});
