import type { Options } from 'tsup';

/**
 * Builds a package's tsup config: ESM + CJS + declarations from `entry`
 * (default `['src/index.ts']`); any other tsup option overrides the default.
 */
export declare function keelTsup(options?: Options): Options;
