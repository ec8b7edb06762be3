import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { readmeExample, runExample } from '@keel/readme-examples';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, done, pending } from '../test/dispatch';
// @ts-expect-error: the fixture is plain JavaScript, also run by node as the stdio server.
import { createFixtureServer } from './__fixtures__/mcp-fixture-server.mjs';
import { connectMcpServer, type McpServerTools } from './connect-mcp-server';
import * as tools from './index';
import * as mcp from './mcp';
import { McpConnectionError } from './mcp-connection-error';
import type { McpToolInfo } from './mcp-tool';
import { McpToolError } from './mcp-tool-error';
import { toAnthropicTool, toOpenAIChatTool } from './provider-tools';
import type { ToolCallRecord } from './tool-call-record';
import { createToolbox } from './toolbox';

const stdioServer = fileURLToPath(new URL('./__fixtures__/mcp-stdio-server.mjs', import.meta.url));

describe('connectMcpServer over stdio', () => {
  let server: McpServerTools;
  beforeAll(async () => {
    server = await connectMcpServer({
      transport: { type: 'stdio', command: process.execPath, args: [stdioServer] },
      prefix: 'fx_',
    });
  });
  afterAll(() => server.close());

  it('lists every tool, named with the prefix, with the server introduced', () => {
    expect(server.tools.map((tool) => tool.name)).toEqual([
      'fx_add',
      'fx_delete_note',
      'fx_fail',
      'fx_hang',
      'fx_flood',
      'fx_crash',
    ]);
    expect(server.server).toMatchObject({ name: 'fixture', version: '1.0.0' });
    expect(server.connected).toBe(true);
  });

  it('shows the model the server schema, converted for both strict modes', () => {
    const add = server.tools[0];
    expect(add?.definition.inputSchema).toMatchObject({
      type: 'object',
      required: ['a', 'b'],
    });
    expect(add?.definition.inputSchema).not.toHaveProperty('$schema');
    const openai = toOpenAIChatTool(add as NonNullable<typeof add>);
    expect(openai.function.strict).toBe(true);
    expect(openai.function.parameters).toMatchObject({
      required: ['a', 'b', 'note'],
      additionalProperties: false,
      properties: { note: { type: ['string', 'null'] } },
    });
    const anthropic = toAnthropicTool(add as NonNullable<typeof add>, { strict: true });
    expect(anthropic.input_schema.properties).toMatchObject({
      note: { description: '(maxLength 20)' },
    });
  });

  it('runs a read-only tool without approval and returns its structured content', async () => {
    const records: ToolCallRecord[] = [];
    const toolbox = createToolbox(server.tools, { onRecord: (record) => records.push(record) });
    const result = done(await toolbox.dispatch(call('fx_add', { a: 2, b: 3, note: null })));
    expect(result.part).toMatchObject({ output: { sum: 5 } });
    expect(result.part.isError).toBeUndefined();
    expect(records[0]).toMatchObject({ toolName: 'fx_add', decision: 'allowed', outcome: 'ok' });
  });

  it('validates arguments against the server schema before sending', async () => {
    const toolbox = createToolbox(server.tools);
    const result = done(await toolbox.dispatch(call('fx_add', { a: 'two', b: 3 })));
    expect(result.part.isError).toBe(true);
    expect(result.record.failure).toBe('invalid-arguments');
    expect(String(result.part.output)).toContain('expected number');
  });

  it('holds a destructive tool for approval bound to its arguments', async () => {
    const toolbox = createToolbox(server.tools);
    const held = pending(await toolbox.dispatch(call('fx_delete_note', { id: 'n1' })));
    expect(held.approval.effect).toBe('external');

    const changed = done(
      await toolbox.dispatch(call('fx_delete_note', { id: 'n2' }), {
        approval: { token: held.approval.token, approved: true },
      }),
    );
    expect(changed.record.failure).toBe('approval-rejected');

    const again = pending(await toolbox.dispatch(call('fx_delete_note', { id: 'n1' })));
    const approved = done(
      await toolbox.dispatch(call('fx_delete_note', { id: 'n1' }), {
        approval: { token: again.approval.token, approved: true },
      }),
    );
    expect(approved.part.output).toBe('deleted n1');
    expect(approved.record.decision).toBe('approved');
  });

  it('applies the toolbox allowlist to MCP tools', async () => {
    const toolbox = createToolbox(server.tools, { allow: ['fx_add'] });
    const result = done(await toolbox.dispatch(call('fx_delete_note', { id: 'n1' })));
    expect(result.record.failure).toBe('not-allowed');
  });

  it('hands an isError result to the model as a failed call', async () => {
    const toolbox = createToolbox(server.tools);
    const result = done(await toolbox.dispatch(call('fx_fail', {})));
    expect(result.part).toMatchObject({
      isError: true,
      output: 'The tool "fx_fail" failed: the disk is full',
    });
    expect(result.record.errorType).toBe('McpToolCallError');
  });

  it('abandons a call past its time limit', async () => {
    const toolbox = createToolbox(server.tools, { timeoutMs: 100 });
    const result = done(await toolbox.dispatch(call('fx_hang', {})));
    expect(result.record.failure).toBe('timeout');
  });

  it('cuts a long result to its token budget and names non-text parts', async () => {
    const toolbox = createToolbox(server.tools, { maxResultTokens: 50 });
    const result = done(await toolbox.dispatch(call('fx_flood', {})));
    expect(result.record.truncated).toBe(true);
    expect(result.record.resultTokens).toBeLessThanOrEqual(50);
    const whole = createToolbox(server.tools, { maxResultTokens: 20_000 });
    const full = done(await whole.dispatch(call('fx_flood', {})));
    expect(String(full.part.output)).toContain('[image image/png, 4 base64 characters]');
  });
});

describe('a server that goes away', () => {
  it('turns the lost connection into tool errors the model can read', async () => {
    const server = await connectMcpServer({
      transport: { type: 'stdio', command: process.execPath, args: [stdioServer] },
    });
    const toolbox = createToolbox(server.tools);
    const crashed = done(await toolbox.dispatch(call('crash', {})));
    expect(crashed.part.isError).toBe(true);
    expect(crashed.record.errorType).toBe('McpToolCallError');
    expect(server.connected).toBe(false);
    const after = done(await toolbox.dispatch(call('add', { a: 1, b: 1 })));
    expect(after.part.output).toContain('the MCP server is not connected');
    await server.close();
  });

  it('reports a command that is not an MCP server as a connection error', async () => {
    const failure = connectMcpServer({
      transport: { type: 'stdio', command: process.execPath, args: ['-e', 'process.exit(1)'] },
    });
    await expect(failure).rejects.toSatisfy(
      (error) => McpConnectionError.isInstance(error) && error.stage === 'connect',
    );
  });
});

describe('connectMcpServer over streamable HTTP', () => {
  let http: HttpServer;
  let url: string;
  beforeAll(async () => {
    const transports = new Map<string, StreamableHTTPServerTransport>();
    http = createServer(async (request, response) => {
      const session = request.headers['mcp-session-id'];
      let transport = typeof session === 'string' ? transports.get(session) : undefined;
      if (transport === undefined) {
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (id) => {
            transports.set(id, transport as StreamableHTTPServerTransport);
          },
        });
        await createFixtureServer().connect(transport);
      }
      await transport.handleRequest(request, response);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );

  it('lists and calls tools on a loopback server', async () => {
    const server = await connectMcpServer({ transport: { type: 'http', url } });
    const toolbox = createToolbox(server.tools);
    const result = done(await toolbox.dispatch(call('add', { a: 20, b: 22 })));
    expect(result.part.output).toEqual({ sum: 42 });
    const failed = done(await toolbox.dispatch(call('fail', {})));
    expect(failed.part.output).toContain('the disk is full');
    await server.close();
    expect(server.connected).toBe(false);
  });

  it('reports an endpoint that does not answer as a connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      connectMcpServer({ transport: { type: 'http', url: `http://127.0.0.1:${port}/mcp` } }),
    ).rejects.toSatisfy((error) => McpConnectionError.isInstance(error));
  });
});

/** Read-only listings of these names. */
const named = (...names: string[]): McpToolInfo[] =>
  names.map((name) => ({
    name,
    description: `Tool ${name}.`,
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  }));

/**
 * A low-level SDK server whose tools/list answers page by page (from the page `first` on) and
 * whose tools/call always fails with a JSON-RPC error.
 */
async function pagedServer(pages: Record<string, { tools: McpToolInfo[]; next?: string }>) {
  const server = new Server({ name: 'paged', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, ({ params }) => {
    const page = pages[params?.cursor ?? 'first'] ?? { tools: [] };
    return { tools: page.tools, ...(page.next !== undefined && { nextCursor: page.next }) };
  });
  server.setRequestHandler(CallToolRequestSchema, () => {
    throw new McpError(ErrorCode.InternalError, 'database offline');
  });
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return client;
}

describe('tools/list pagination', () => {
  it('reads every page', async () => {
    const transport = await pagedServer({
      first: { tools: named('a', 'b'), next: 'p2' },
      p2: { tools: named('c'), next: 'p3' },
      p3: { tools: named('d') },
    });
    const server = await connectMcpServer({ transport });
    expect(server.tools.map((tool) => tool.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(server.tools.every((tool) => tool.requiresApproval === false)).toBe(true);
    await server.close();
  });

  it('refuses a cursor that repeats, and more pages than allowed', async () => {
    const looping = await pagedServer({
      first: { tools: named('a'), next: 'x' },
      x: { tools: named('b'), next: 'x' },
    });
    await expect(connectMcpServer({ transport: looping })).rejects.toSatisfy(
      (error) => McpConnectionError.isInstance(error) && error.stage === 'list-tools',
    );
    const long = await pagedServer({
      first: { tools: named('a'), next: 'p2' },
      p2: { tools: named('b') },
    });
    await expect(connectMcpServer({ transport: long, maxPages: 1 })).rejects.toThrow(/maxPages/);
  });

  it('rejects a tool name providers cannot take, unless it is filtered out', async () => {
    const pages = { first: { tools: named('ok', 'legacy.search') } };
    await expect(connectMcpServer({ transport: await pagedServer(pages) })).rejects.toSatisfy(
      (error) => McpToolError.isInstance(error) && error.toolName === 'legacy.search',
    );
    const server = await connectMcpServer({
      transport: await pagedServer(pages),
      filter: (tool) => !tool.name.includes('.'),
    });
    expect(server.tools.map((tool) => tool.name)).toEqual(['ok']);
    await server.close();
  });
});

describe('listings', () => {
  it('reads effect and approval from the annotations, unless told otherwise', async () => {
    const tools: McpToolInfo[] = [
      { name: 'local', inputSchema: { type: 'object' }, annotations: { openWorldHint: false } },
      { name: 'unmarked', inputSchema: { type: 'object' } },
      {
        name: 'contradictory',
        inputSchema: { type: 'object' },
        annotations: { readOnlyHint: true, destructiveHint: true },
      },
      ...named('reader'),
    ];
    const server = await connectMcpServer({ transport: await pagedServer({ first: { tools } }) });
    expect(
      server.tools.map(({ name, effect, requiresApproval }) => [name, effect, requiresApproval]),
    ).toEqual([
      ['local', 'write', true],
      ['unmarked', 'external', true],
      ['contradictory', 'read', true],
      ['reader', 'read', false],
    ]);
    expect(server.tools[1]?.description).toBe('The MCP tool unmarked.');
    const strictest = await connectMcpServer({
      transport: await pagedServer({ first: { tools } }),
      requiresApproval: (tool) => tool.name !== 'local',
    });
    expect(strictest.tools.map((tool) => tool.requiresApproval)).toEqual([false, true, true, true]);
    await Promise.all([server.close(), strictest.close()]);
  });

  it('requires strict mode only when asked, and says why a schema cannot have it', async () => {
    const loose: McpToolInfo = {
      name: 'loose',
      description: 'Takes any extra fields.',
      inputSchema: {
        type: 'object',
        properties: { a: { type: 'string' } },
        additionalProperties: true,
      },
    };
    const server = await connectMcpServer({
      transport: await pagedServer({ first: { tools: [loose] } }),
    });
    const [tool] = server.tools;
    expect(toOpenAIChatTool(tool as NonNullable<typeof tool>).function.strict).toBe(false);
    await expect(
      connectMcpServer({
        transport: await pagedServer({ first: { tools: [loose] } }),
        strict: true,
      }),
    ).rejects.toSatisfy(
      (error) => McpToolError.isInstance(error) && /allows extra properties/.test(error.reason),
    );
    await server.close();
  });

  it('hands a JSON-RPC error of the server to the model', async () => {
    const server = await connectMcpServer({
      transport: await pagedServer({ first: { tools: named('lookup') } }),
    });
    const result = done(await createToolbox(server.tools).dispatch(call('lookup', {})));
    expect(result.part.output).toMatch(
      /^The tool "lookup" failed: the MCP server answered with an error: MCP error -32603: .*database offline$/,
    );
    expect(result.record.errorType).toBe('McpToolCallError');
    expect(server.connected).toBe(true);
    await server.close();
  });
});

it("runs the README's MCP example against the stdio fixture server", async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const logged: unknown[] = [];
  await runExample(readmeExample(readme, 'mcp'), {
    modules: { '@keel/tools': tools, '@keel/tools/mcp': mcp },
    scope: {
      notesServerPath: stdioServer,
      console: { log: (value: unknown) => logged.push(value) },
    },
  });
  expect(logged).toEqual([{ sum: 5 }]);
});
