import { keelTsup } from '@keel/tsup-config';

// `@keel/prompts/node` reads prompt files; its `node:` imports stay imports.
export default keelTsup({ entry: ['src/index.ts', 'src/node.ts'], external: [/^node:/] });
