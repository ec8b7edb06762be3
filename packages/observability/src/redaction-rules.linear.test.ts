import { describe, expect, it } from 'vitest';
import { adversarial, fill, SIZE } from '../test/fixtures/adversarial';
import { createRedactor } from './redact';
import { DEFAULT_REDACTION_RULES } from './redaction-rules';

/**
 * Every rule on 256 KB of text built to make a backtracking engine rescan: repeated prefixes of
 * the rule, with and without newlines. A linear rule takes milliseconds to tens of milliseconds
 * here; a quadratic one takes minutes (the JWT rule with `\b` took 5.4 s on 64 KB of `eyJ-`, so
 * about 90 s on 256 KB per input, several inputs per rule). No test here reads the clock: a
 * quadratic rule runs into the test's timeout (three minutes, far above a linear rule's time on a
 * loaded machine), and `bench/redaction.bench.ts` measures the time per rule at two sizes.
 */
describe('every default rule runs in linear time on 256 KB of adversarial text', {
  timeout: 180_000,
}, () => {
  it('has adversarial inputs for every default rule', () => {
    expect(Object.keys(adversarial).sort()).toEqual(
      DEFAULT_REDACTION_RULES.map((rule) => rule.id).sort(),
    );
  });

  for (const rule of DEFAULT_REDACTION_RULES) {
    it(rule.id, () => {
      const redactor = createRedactor({ rules: [rule], maxStringLength: 2 * SIZE });
      for (const unit of adversarial[rule.id] ?? []) {
        for (const text of [fill(unit), fill(`${unit}\n`), `x${fill(unit)}`]) {
          expect(redactor(text), `${rule.id} on ${JSON.stringify(unit)} repeated`).toEqual(
            expect.any(String),
          );
        }
      }
    });
  }

  it('the cross-line pass stays linear on lines that each could continue a key', () => {
    const redactor = createRedactor({ maxStringLength: 2 * SIZE });
    for (const unit of ['x sk-\n', 'sk-aaaa1\n', 'sk-proj-\nabc1\n', 'ghp_a1\n', 'AKIA\n']) {
      expect(redactor(fill(unit)), JSON.stringify(unit)).toEqual(expect.any(String));
    }
  });

  it('the cross-field pass stays linear on many adversarial fields', () => {
    const fields = Object.fromEntries(
      Array.from({ length: 64 }, (_, i) => [`f${i}`, fill('eyJ-').slice(0, 16_384)]),
    );
    expect(Object.keys(createRedactor()(fields) as object)).toHaveLength(64);
  });
});
