/** The fixture MCP server over stdio: `node mcp-stdio-server.mjs`. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFixtureServer } from './mcp-fixture-server.mjs';

await createFixtureServer().connect(new StdioServerTransport());
