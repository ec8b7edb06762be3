import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact';
import { DEFAULT_REDACTION_RULES } from './redaction-rules';

/**
 * Every rule on 256 KB of text built to make a backtracking engine rescan: repeated prefixes of
 * the rule, with and without newlines. A linear rule takes milliseconds to tens of milliseconds
 * here; a quadratic one takes minutes (the JWT rule with `\b` took 5.4 s on 64 KB of `eyJ-`, so
 * about 90 s on 256 KB). The bound sits between the two with a wide margin on both sides, so
 * a loaded CI machine (every package's tests at once on two cores) does not make it flaky.
 */
const SIZE = 1 << 18;
const BOUND_MS = 60_000;

const adversarial: Record<string, string[]> = {
  'private-key': ['-----BEGIN ', '-----BEGIN A', '-----BEGIN PRIVATE KEY-----'],
  jwt: ['eyJ-', 'eyJaaaaaaaaa.', 'eyJaaaaaaaa.eyJaaaaaaaa.-'],
  'anthropic-key': ['sk-ant-api01-', 'sk-ant-'],
  'openai-key': ['sk-', 'sk-a', 'sk-proj-'],
  'github-token': ['ghp_', 'github_pat_a'],
  'slack-token': [
    'xoxb-',
    'https://hooks.slack.com/services/T',
    'https://hooks.slack.com/services/TA/B',
  ],
  'aws-access-key': ['AKIA', 'AKIAA'],
  'bearer-token': [
    'Bearer ',
    'Bearer  \t',
    'Basic a',
    'Authorization: ',
    'Authorization: a',
    'authorization:"a ',
  ],
  'url-credentials': ['://', '://a:', '://a:a'],
  'key-value-secret': ['key', 'key=', 'key = ', 'key:"', 'tokentoken', 'key '],
  email: ['a@', 'a.', 'a@a.', 'a@a-', '@a.a', 'a.a@'],
  iban: ['DE00', 'DE00 AAAA ', 'DE001'],
  'card-number': ['1', '1 ', '1-', '4111 '],
  phone: ['+1', '+1 ', '+1(1)', '1 ', '01 ', '+12 (123) ', '(123) ', '123-'],
};

function fill(unit: string): string {
  return unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
}

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
          const started = performance.now();
          const out = redactor(text);
          const elapsed = performance.now() - started;
          expect(typeof out).toBe('string');
          expect(elapsed, `${rule.id} on ${JSON.stringify(unit)} repeated`).toBeLessThan(BOUND_MS);
        }
      }
    });
  }

  it('the cross-line pass stays linear on lines that each could continue a key', () => {
    const redactor = createRedactor({ maxStringLength: 2 * SIZE });
    for (const unit of ['x sk-\n', 'sk-aaaa1\n', 'sk-proj-\nabc1\n', 'ghp_a1\n', 'AKIA\n']) {
      const started = performance.now();
      redactor(fill(unit));
      expect(performance.now() - started, JSON.stringify(unit)).toBeLessThan(BOUND_MS);
    }
  });

  it('the cross-field pass stays linear on many adversarial fields', () => {
    const fields = Object.fromEntries(
      Array.from({ length: 64 }, (_, i) => [`f${i}`, fill('eyJ-').slice(0, 16_384)]),
    );
    const started = performance.now();
    createRedactor()(fields);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });
});
