/** The reader's own services in the @keel/tools quick start (the support agent). */
interface Order {
  id: string;
  email: string;
  totalUsd: number;
  refunded: boolean;
}

export const orders = new Map<string, Order>([
  ['A-1001', { id: 'A-1001', email: 'ana@example.com', totalUsd: 42, refunded: false }],
]);
export const helpCentre = {
  search: async (query: string, limit: number) =>
    [`Refunds are possible within 30 days (${query})`].slice(0, limit),
};
export const payments = {
  refund: async (orderId: string, _reason: string, _options: { signal: AbortSignal }) => ({
    refunded: orderId,
  }),
};
export const mailer = {
  send: async (_message: { to: string; subject: string; body: string }) => 'sent',
};
export const audit: unknown[] = [];
export const confirm = (_question: string) => true;
