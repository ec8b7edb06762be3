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
 * Validates `input` against `schema`. When the only complaint about a property is that it is
 * null, the call is retried without it, so a strict-mode `null` for an optional field passes.
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
  const nullPaths = first.error.issues
    .filter((issue) => valueAt(input, issue.path) === null)
    .map((issue) => issue.path);
  if (nullPaths.length > 0 && nullPaths.every((path) => typeof path.at(-1) === 'string')) {
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
