/** A code block that a README marks with `<!-- example: name -->` on the line before it. */
export interface ReadmeExample {
  /** The marker's kebab-case name, e.g. `quick-start`. */
  name: string;
  /** The fence's language, e.g. `ts`. */
  lang: string;
  /** The code between the fences, ending in a newline. */
  code: string;
  /** The README line of the code's first line (1-based). */
  line: number;
}

/** One import declaration of an example. */
export interface ExampleImport {
  /** The declaration as written. */
  source: string;
  /** The module specifier, e.g. `@keel/tokens`. */
  module: string;
  /** `import type { ... }`. */
  typeOnly: boolean;
  defaultName: string | undefined;
  namespace: string | undefined;
  named: { imported: string; local: string; typeOnly: boolean }[];
}

/** An example's top level: imports, the other statements (without `export`), declared names. */
export interface SplitExample {
  imports: ExampleImport[];
  statements: string[];
  /** Every top-level name the statements declare. */
  declared: string[];
  /** The declared names that were exported. */
  exported: string[];
}

/**
 * Every marked example of a README, in order.
 *
 * @throws Error for a malformed marker, a marker without a code block after it, an unclosed
 * block or a name used twice.
 */
export declare function readmeExamples(markdown: string): ReadmeExample[];

/**
 * The code of the example marked `name`.
 *
 * @throws Error naming the examples the README has when none is called `name`.
 */
export declare function readmeExample(markdown: string, name: string): string;

/** Splits an example into its imports, its other statements and the names it declares and exports. */
export declare function splitExample(code: string, options?: { fileName?: string }): SplitExample;

/** What an example runs with. */
export interface RunExampleOptions {
  /** The module each import reads from, by specifier: `{ '@keel/tokens': await import('../src/index') }`. */
  modules?: Record<string, object>;
  /** Stand-ins for the reader's own values that the example uses without declaring. */
  scope?: Record<string, unknown>;
}

/**
 * Runs a TypeScript example with types stripped, imports read from `modules`, `scope` in scope
 * and top-level `await`; resolves to the top-level bindings it declares.
 *
 * @example
 * ```ts
 * const code = readmeExample(readFileSync(new URL('../README.md', import.meta.url), 'utf8'), 'quick-start');
 * const { summary } = await runExample(code, { modules: { '@keel/prompts': prompts, zod }, scope: { html, model } });
 * ```
 */
export declare function runExample(
  code: string,
  options?: RunExampleOptions,
): Promise<Record<string, unknown>>;
