/**
 * Validating a call's arguments with the tool's zod schema, reading `null` as "left out" where
 * the schema has an optional property (OpenAI strict mode sends optional fields as null).
 */
import { z } from 'zod';

/** Validated input, or what was wrong with it, written for the model. */
export type InputValidation =
  | {
      ok: true;
      /** The arguments as accepted (JSON; nulls standing for optional fields removed). */
      accepted: unknown;
      /** What the schema produced (defaults and transforms applied): what `run` receives. */
      value: unknown;
    }
  | { ok: false; message: string };

/** Longest validation report handed to the model. */
const MAX_REPORT_CHARS = 2_000;

/**
 * Validates `input` against `schema`. When the schema complains that properties are null (in
 * any branch of a union too), the call is retried without them, so a strict-mode `null` for an
 * optional field passes; the retry must validate on its own, or the first report stands.
 *
 * @example
 * ```ts
 * const result = await validateInput(z.object({ unit: z.enum(['C', 'F']).optional() }), { unit: null });
 * result.ok; // true, result.value is {}
 * ```
 */
export async function validateInput(schema: z.ZodType, input: unknown): Promise<InputValidation> {
  const first = await schema.safeParseAsync(input);
  if (first.success) return { ok: true, accepted: input, value: first.data };
  const nullPaths = nullPropertyPaths(first.error.issues, input, []);
  if (nullPaths.length > 0) {
    const cleaned = withoutPaths(input, nullPaths);
    const second = await schema.safeParseAsync(cleaned);
    if (second.success) return { ok: true, accepted: cleaned, value: second.data };
  }
  const report = z.prettifyError(first.error);
  return {
    ok: false,
    message: `The arguments do not match the tool's input schema:\n${
      report.length > MAX_REPORT_CHARS ? `${report.slice(0, MAX_REPORT_CHARS)}\n…` : report
    }\nFix them and call the tool again.`,
  };
}

/** An issue as far as this module reads it: a union's issue holds each branch's issues. */
interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly code?: string;
  readonly errors?: ReadonlyArray<readonly IssueLike[]>;
}

/**
 * Paths of the object properties that hold null and that an issue complains about, looking into
 * every branch of a union (whose issues are relative to the union's path).
 */
function nullPropertyPaths(
  issues: readonly IssueLike[],
  input: unknown,
  base: readonly PropertyKey[],
): PropertyKey[][] {
  const paths: PropertyKey[][] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors !== undefined) {
      for (const branch of issue.errors) paths.push(...nullPropertyPaths(branch, input, path));
    } else if (typeof path.at(-1) === 'string' && valueAt(input, path) === null) {
      paths.push(path);
    }
  }
  return paths;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A copy of `value` without the object properties at `paths`. */
function withoutPaths(value: unknown, paths: ReadonlyArray<readonly PropertyKey[]>): unknown {
  const copy = structuredClone(value);
  for (const path of paths) {
    const parent = valueAt(copy, path.slice(0, -1)) as Record<PropertyKey, unknown>;
    delete parent[path.at(-1) as PropertyKey];
  }
  return copy;
}
