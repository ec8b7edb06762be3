import { keelTsup } from '@keel/tsup-config';

// `/mcp` (tools from MCP servers) shares the dispatcher's code with the main entry; splitting
// keeps it in one chunk, so error classes stay one class.
export default keelTsup({ entry: ['src/index.ts', 'src/mcp.ts'], splitting: true });
