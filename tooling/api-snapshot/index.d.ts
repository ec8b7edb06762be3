/** One exported name of an entry point and what it is. */
export interface ApiExport {
  name: string;
  /** `function`, `class`, `const`, `let`, `enum`, `namespace`, `type` or `interface`; merged declarations join with `+`, and `type-only` prefixes a value exported with `export type`. */
  kind: string;
}

/** An entry point of a package: its subpath (`.`, `./internal`, ...) and its source file. */
export interface ApiEntry {
  subpath: string;
  /** The specifier a user imports: `@keel/core`, `@keel/core/internal`. */
  specifier: string;
  /** Absolute path of the `src/*.ts` file the entry is built from. */
  source: string;
}

/** The entry points of the package in `packageDir`, read from its `package.json` `exports`. */
export declare function apiEntries(packageDir: string): ApiEntry[];

/** The names `source` exports with their kinds, sorted by name. */
export declare function listExports(source: string): ApiExport[];

/** The text of `api.md` for the package in `packageDir`: every entry point and its exports. */
export declare function apiReport(packageDir: string): string;

/**
 * Registers a vitest test comparing the package's surface with its checked-in `api.md`.
 * Call it from `src/api.test.ts` with the package directory.
 */
export declare function testApiSnapshot(packageDir: URL | string): void;
