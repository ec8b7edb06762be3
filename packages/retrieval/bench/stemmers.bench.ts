/**
 * English stemmers compared for the analyzer: words per second over the labelled set's words
 * (rotated rounds, gc before each sample, three runs: median and min–max, and each stemmer
 * against snowball-stemmers in the same run), and the ranking quality of BM25 over the
 * labelled set (bench/quality/) with each stemmer, the other analysis steps equal: folding,
 * Keel's stop words and identifiers, then the stemmer on every term. Then the analyzer itself:
 * words per second, light against Snowball, and createBm25Index's quality with each stemming,
 * folding and stop-word option. Measured on the sources: no build needed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { stemmer as oramaEnglish } from '@orama/stemmers/english';
import { newStemmer } from 'snowball-stemmers';
import { stemmer as porter } from 'stemmer';
import { afterAll, bench, describe } from 'vitest';
import winkPorter2 from 'wink-porter2-stemmer';
import { type Bm25Options, createAnalyzer, createBm25Index } from '../src';
import { lightStem } from '../src/light-stem';
import { indexedText } from '../src/retriever';
import { sizeFromEnv } from './corpora';
import { loadLabelledSet } from './quality/labelled-set';
import { DEPTH, qualityTable, scoreRankings } from './quality/score-rankings';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const snowball = newStemmer('english');
const STEMMERS: ReadonlyArray<{ name: string; stem: (word: string) => string }> = [
  { name: 'snowball-stemmers 0.6.0 (Porter2)', stem: (word) => snowball.stem(word) },
  { name: 'wink-porter2-stemmer 2.0.1 (Porter2)', stem: winkPorter2 },
  { name: 'stemmer 2.0.1 (Porter)', stem: porter },
  { name: '@orama/stemmers 3.1.18 (Porter)', stem: oramaEnglish },
  { name: 'Keel light stemmer', stem: lightStem },
];
const unstemmed = (word: string) => word;

const { chunks, queries, qrels } = await loadLabelledSet();
const corpus = chunks.map(indexedText).join('\n');
const words = createAnalyzer()(corpus);
const runs = sizeFromEnv('KEEL_BENCH_RUNS', 3);
const rounds = sizeFromEnv('KEEL_BENCH_ROUNDS', 5);

/** Words per second of `work` over `count` words: median of rotated rounds, one value a run. */
function wordsPerSecond<T extends { name: string }>(
  subjects: readonly T[],
  count: number,
  work: (subject: T) => void,
): Map<string, number[]> {
  const rates = new Map(subjects.map((subject) => [subject.name, [] as number[]]));
  for (let run = 0; run < runs; run++) {
    const samples = new Map(subjects.map((subject) => [subject.name, [] as number[]]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < subjects.length; i++) {
        const subject = subjects[(i + round) % subjects.length] as T;
        gc();
        const start = performance.now();
        work(subject);
        samples.get(subject.name)?.push(count / ((performance.now() - start) / 1000));
      }
    }
    for (const [name, values] of samples) rates.get(name)?.push(median(values));
  }
  return rates;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const thousands = (value: number) => `${Math.round(value / 1000)}k`;
function speedTable(rates: Map<string, number[]>, baseline: string): string {
  const base = rates.get(baseline) as number[];
  const lines = [...rates].map(([name, values]) => {
    const ratios = values.map((value, i) => value / (base[i] as number));
    return `| ${name} | ${thousands(median(values))} (${thousands(Math.min(...values))}–${thousands(Math.max(...values))}) | ${median(ratios).toFixed(2)}× |`;
  });
  return [
    `| subject | words/s, median (min–max of ${runs} runs) | vs ${baseline} |`,
    '| --- | ---: | ---: |',
    ...lines,
  ].join('\n');
}

const stemmerRates = wordsPerSecond(STEMMERS, words.length, ({ stem }) => {
  for (const word of words) stem(word);
});

const ANALYZERS = [
  {
    name: "createAnalyzer stemming: 'light', folding: false (before)",
    options: { stemming: 'light', folding: false },
  },
  { name: "createAnalyzer stemming: 'snowball' (folding)", options: { stemming: 'snowball' } },
  { name: 'createAnalyzer, no stemming (folding)', options: {} },
  {
    name: "createAnalyzer stemming: 'snowball', spelling (folding)",
    options: { stemming: 'snowball', spelling: true },
  },
] as const;
const analyzerRates = wordsPerSecond(ANALYZERS, words.length, ({ options }) => {
  createAnalyzer({ ...options, identifiers: true, stopWords: 'keel' })(corpus);
});

// Quality: the same terms for every stemmer but the stemmer; `.` kept as `_` so BM25's own
// tokenizer keeps a dotted identifier whole.
const analyze = createAnalyzer({ identifiers: true, stopWords: 'keel' });
const rows = await Promise.all(
  [...STEMMERS, { name: 'no stemmer', stem: unstemmed }].map(({ name, stem }) => {
    const terms = (text: string) =>
      analyze(text)
        .map((term) => stem(term).replaceAll('.', '_'))
        .join(' ');
    const index = createBm25Index();
    index.add(chunks.map((chunk) => ({ id: chunk.id, text: terms(indexedText(chunk)) })));
    const rankings = new Map(
      queries.map((query) => [
        query.id,
        index.search(terms(query.query), { k: DEPTH }).map((hit) => hit.id),
      ]),
    );
    return scoreRankings(name, queries, qrels, rankings);
  }),
);

const OPTION_ROWS: ReadonlyArray<{ name: string; options: Bm25Options }> = [
  {
    name: "stemming: 'light', stopWords: 'keel', folding: false (before)",
    options: { stemming: 'light', stopWords: 'keel', folding: false },
  },
  {
    name: "stemming: true, stopWords: 'keel', folding: false",
    options: { stemming: true, stopWords: 'keel', folding: false },
  },
  { name: "stemming: true, stopWords: 'keel'", options: { stemming: true, stopWords: 'keel' } },
  { name: "stemming: true, stopWords: 'lucene'", options: { stemming: true, stopWords: 'lucene' } },
  { name: 'stemming: true, stopWords: true', options: { stemming: true, stopWords: true } },
  { name: 'stemming: true, no stop words', options: { stemming: true } },
  {
    name: 'stemming: true, stopWords: true, spelling: true',
    options: { stemming: true, stopWords: true, spelling: true },
  },
  { name: 'no stemming, spelling: true', options: { spelling: true } },
  { name: 'no stemming', options: {} },
];
const optionRows = await Promise.all(
  OPTION_ROWS.map(({ name, options }) => {
    const index = createBm25Index({ identifiers: true, ...options });
    index.add(chunks.map((chunk) => ({ id: chunk.id, text: indexedText(chunk) })));
    const rankings = new Map(
      queries.map((query) => [
        query.id,
        index.search(query.query, { k: DEPTH }).map((hit) => hit.id),
      ]),
    );
    return scoreRankings(`createBm25Index, identifiers, ${name}`, queries, qrels, rankings);
  }),
);

describe(`English stemmers, ${words.length} words of the labelled set`, () => {
  for (const { name, stem } of STEMMERS) {
    bench(name, () => {
      for (const word of words) stem(word);
    });
  }
});

afterAll(() => {
  console.log(`\n${speedTable(stemmerRates, STEMMERS[0]?.name as string)}\n`);
  console.log(`\n${speedTable(analyzerRates, ANALYZERS[0].name)}\n`);
  console.log(`\n${qualityTable(rows)}\n`);
  console.log(`\n${qualityTable(optionRows)}\n`);
});
