/**
 * Two runs for report tests: four cases, two of which change, one answer in each run carrying
 * markup that would run script or load an image if it were ever parsed as HTML.
 */
import type { CaseResult } from '../src/case-result';
import { result } from './case-result';

/** Each is harmless as text; as markup each sets `window.pwned` or loads an image. */
export const HOSTILE = {
  answer: '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">',
  closing: '</script><script>window.pwned = 3</script>',
  id: '<img src=x onerror="window.pwned = 4">',
  question: '<svg onload="window.pwned = 5">What leaks?</svg>',
};

function run(name: string, answers: Record<string, string>, scores: Record<string, number[]>) {
  return Object.entries(answers).map(
    ([id, answer], i): CaseResult => ({
      ...result(
        name,
        id,
        Object.fromEntries(Object.entries(scores).map(([m, v]) => [m, v[i] ?? null])),
        100 * (i + 1) + (name === 'candidate' ? 50 : 0),
      ),
      question: id === HOSTILE.id ? HOSTILE.question : `What about ${id}?`,
      tags: i % 2 === 0 ? ['two-doc'] : [],
      output: { answer },
    }),
  );
}

export const baseline = run(
  'baseline',
  { a: 'Keys rotate daily.', b: 'The ledger records cost.', c: 'Same.', [HOSTILE.id]: 'Fine.' },
  { recall: [1, 1, 1, 1], groundedness: [1, 0.5, 1, 1] },
);

export const candidate = run(
  'candidate',
  { a: HOSTILE.answer, b: HOSTILE.closing, c: 'Same.', [HOSTILE.id]: 'Fine.' },
  { recall: [0, 1, 1, 1], groundedness: [1, 1, 1, 0.5] },
);
