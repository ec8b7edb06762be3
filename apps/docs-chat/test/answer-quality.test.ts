/**
 * Answer quality on the bundled sets: answerable, unanswerable and adversarial questions asked
 * of the offline answerer over the bundled corpus plus the planted attack pages through
 * `@keel/evals`, each goal of the answer-quality issue asserted on its own (as a threshold) with
 * the failing cases in its message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, leakedSecrets as leakedContent, missingFacts, refused } from '@keel/evals';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, bundledCorpus, loadConfig } from '../src/config';
import { BUNDLED_EVAL_SETS, loadBundledCases, PLANTED_DIR } from '../src/eval-cases';
import { citationProblem, DECLINE_PATTERN, leakedSecrets, sourceFile } from '../src/eval-checks';
import { EVAL_GOALS, missedGoals } from '../src/eval-goals';
import { plantedSecrets } from '../src/eval-suite';
import { type BundledEvalReport, runBundledEval } from '../src/run-eval';

const cases = loadBundledCases();
let report: BundledEvalReport;

beforeAll(async () => {
  report = await runBundledEval(loadConfig({ DOCS_CHAT_PROVIDER: 'offline' }), { cases });
}, 600_000);

describe('the bundled sets', () => {
  it('hold the cases the goals are measured on', () => {
    const count = (type: string) => cases.filter((c) => c.tags[0] === type).length;
    expect(cases.length - count('unanswerable') - count('adversarial')).toBeGreaterThanOrEqual(110);
    expect(count('two-doc')).toBeGreaterThanOrEqual(9);
    expect(count('unanswerable')).toBeGreaterThanOrEqual(18);
    expect(count('adversarial')).toBeGreaterThanOrEqual(30);
  });

  it('state every expected fact as one of its relevant documents writes it', () => {
    // A documentation edit that rewords a fact fails here, naming the case to update, rather
    // than as a fall in the answer figures.
    const root = join(APP_DIR, '..', '..');
    const gone = cases.flatMap((c) => {
      if (!('expectedFacts' in c)) return [];
      const written = c.relevant.map((file) => readFileSync(join(root, file), 'utf8')).join('\n');
      return missingFacts(written, c.expectedFacts).map((fact) => `${c.id}: "${fact}"`);
    });
    expect(gone).toEqual([]);
  });

  it('plant secrets of sixteen of the formats the redaction rules know', () => {
    expect(new Set(plantedSecrets(cases).map((secret) => secret.rule))).toEqual(
      new Set([
        'private-key',
        'jwt',
        'anthropic-key',
        'openai-key',
        'github-token',
        'aws-access-key',
        'url-credentials',
        'key-value-secret',
        'stripe-key',
        'google-api-key',
        'sendgrid-key',
        'huggingface-token',
        'cli-header-secret',
        'gitlab-token',
        'slack-token',
        'telegram-bot-token',
      ]),
    );
  });

  it('ran every case without an error event', () => {
    const failed = report.results.filter((result) => result.errors.length > 0);
    expect(failed.map((r) => `${r.id}: ${r.errors.join('; ')}`)).toEqual([]);
    expect(report.results).toHaveLength(cases.length);
    // The secrets goal searched what the app logged, not nothing.
    expect(report.logLines).toBeGreaterThan(cases.length);
  });
});

describe('answer-quality goals', () => {
  // A goal not met yet is held at its measured level, so it never falls back; the report
  // (`docs-chat eval --check`) still fails on it.
  for (const goal of EVAL_GOALS) {
    const level =
      goal.held === undefined
        ? `${goal.target}`
        : `${goal.held} (goal ${goal.target}, not met yet)`;
    it(`${goal.label}: ${goal.bound} ${level}`, () => {
      const measured = report.goals.find((g) => g.id === goal.id);
      expect(
        missedGoals(report.summary, report.figures, [goal], 'held'),
        `${goal.label} is ${measured?.value} (${goal.bound} ${level}); failing cases:\n${measured?.failing.join('\n')}`,
      ).toEqual([]);
    });
  }
});

describe('the checks', () => {
  it('match facts case-insensitively, without markdown emphasis, keeping underscores', () => {
    expect(
      missingFacts('Set **`maxRetries`**\n  to 3 via save_note.', ['maxretries to 3']),
    ).toEqual([]);
    expect(missingFacts('saveNote', ['save_note', 'SAVENOTE'])).toEqual(['save_note']);
  });

  it('read a decline, and not a quoted sentence about a server that does not answer', () => {
    const declined = (text: string) => refused(text, [DECLINE_PATTERN]);
    expect(declined('I found nothing about this in the ingested documents.')).toBe(true);
    expect(declined('The documents do not cover Gemini.')).toBe(true);
    expect(declined('A server that does not answer is retried [a.md#1].')).toBe(false);
  });

  it('find planted strings and invisible characters in an answer', () => {
    const planted = (answer: string, mustNotContain: string[]) =>
      leakedContent({ answer, mustNotContain });
    expect(planted('see HTTPS://ATTACKER.example/x', ['attacker.example'])).toEqual([
      'planted-content',
    ]);
    expect(planted('appro\u200Bval', [])).toEqual(['invisible-character']);
    expect(planted('tag \u{E0041}', [])).toEqual(['invisible-character']);
    expect(planted('clean answer', ['attacker.example'])).toEqual([]);
  });

  it('check citations against the file and its lines', () => {
    const roots = [...bundledCorpus(), PLANTED_DIR];
    const id = 'apps/docs-chat/test/fixtures/planted/notes-save.md';
    expect(sourceFile(roots, id)).toBe(join(PLANTED_DIR, 'notes-save.md'));
    const text = 'The save_note tool stores a note for the user: a title and a body.';
    expect(citationProblem(roots, { sourceId: id, startLine: 3, endLine: 4, text })).toBe(
      undefined,
    );
    expect(citationProblem(roots, { sourceId: id, startLine: 5, endLine: 6, text })).toMatch(
      /do not hold/,
    );
    expect(citationProblem(roots, { sourceId: id, startLine: 1, endLine: 999, text })).toMatch(
      /outside the file/,
    );
    expect(citationProblem(roots, { sourceId: 'nope.md', startLine: 1, endLine: 1, text })).toMatch(
      /no such file/,
    );
  });

  it('find a secret in log lines as written or JSON-escaped', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nKeelPlantedPrivateKeyBodyLine\n-----END';
    expect(leakedSecrets([JSON.stringify({ msg: pem })], [pem, 'AKIAKEELPLANTED0TEST'])).toEqual([
      pem,
    ]);
  });

  it('refuse malformed case files, naming each bad line', () => {
    const directory = mkdtempSync(join(tmpdir(), 'docs-chat-eval-cases-'));
    for (const { file } of BUNDLED_EVAL_SETS) writeFileSync(join(directory, file), '');
    writeFileSync(
      join(directory, 'answerable.jsonl'),
      [
        '{"id":"a","question":"Q?","tags":["howto"],"relevant":["a.md"],"expectedFacts":["x"]}',
        'not json',
        '{"id":"b","question":"Q?","tags":["howto"],"relevant":[],"expectedFacts":["x"]}',
        '{"id":"a","question":"Q?","tags":["howto"],"relevant":["a.md"],"expectedFacts":["x"]}',
      ].join('\n'),
    );
    try {
      loadBundledCases(directory);
      expect.unreachable();
    } catch (error) {
      expect(DatasetError.isInstance(error)).toBe(true);
      // Named by its own directory, not as the app's `eval/`.
      expect((error as DatasetError).file).toBe(join(directory, 'answerable.jsonl'));
      expect((error as DatasetError).issues).toEqual([
        { line: 2, message: expect.stringMatching(/^not JSON/) },
        { line: 3, message: expect.stringMatching(/^relevant/) },
        { line: 4, message: 'id "a" is already used on line 1' },
      ]);
    }
    writeFileSync(
      join(directory, 'answerable.jsonl'),
      '{"id":"a","question":"Q?","tags":["howto"],"relevant":["a.md"],"expectedFacts":["x"]}\n',
    );
    writeFileSync(
      join(directory, 'unanswerable.jsonl'),
      '{"id":"a","question":"Q?","tags":["unanswerable"],"mustRefuse":true}\n',
    );
    expect(() => loadBundledCases(directory)).toThrow(
      `${join(directory, '*.jsonl')}: id "a" is used in two files`,
    );
    expect(() => loadBundledCases(join(APP_DIR, 'src'))).toThrow(/answerable\.jsonl: no such file/);
  });
});
