/**
 * The MCP server the `/mcp` tests connect to: the SDK's own McpServer with tools that read,
 * delete, fail, hang, flood and crash. Served over stdio by `mcp-stdio-server.mjs` and over
 * streamable HTTP by the test itself.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** A new server with the fixture's tools. */
export function createFixtureServer() {
  const server = new McpServer({ name: 'fixture', version: '1.0.0' });
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers.',
      inputSchema: { a: z.number(), b: z.number(), note: z.string().max(20).optional() },
      outputSchema: { sum: z.number() },
      annotations: { readOnlyHint: true },
    },
    ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool(
    'delete_note',
    {
      description: 'Deletes a note.',
      inputSchema: { id: z.string() },
      annotations: { destructiveHint: true },
    },
    ({ id }) => ({ content: [{ type: 'text', text: `deleted ${id}` }] }),
  );
  server.registerTool(
    'fail',
    { description: 'Always fails.', inputSchema: {}, annotations: { readOnlyHint: true } },
    () => ({ content: [{ type: 'text', text: 'the disk is full' }], isError: true }),
  );
  server.registerTool(
    'hang',
    { description: 'Never answers.', inputSchema: {}, annotations: { readOnlyHint: true } },
    (_input, { signal }) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve({ content: [] }))),
  );
  server.registerTool(
    'flood',
    { description: 'Returns a long text.', inputSchema: {}, annotations: { readOnlyHint: true } },
    () => ({
      content: [
        { type: 'text', text: 'word '.repeat(5_000) },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
      ],
    }),
  );
  server.registerTool(
    'crash',
    {
      description: 'Ends the server process.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () => process.exit(3),
  );
  return server;
}
