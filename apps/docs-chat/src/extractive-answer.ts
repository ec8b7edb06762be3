/**
 * The offline answer: the sentences of the retrieved chunks that share the most (and the
 * rarest) words with the question, each cited. Extracted, never generated, so it cannot say
 * anything the documents do not.
 */
import type { PackedChunk } from '@keel/retrieval';

const STOPWORDS = new Set(
  'a about an and are as at be by can do does explain for from get happen happens how i if in is it its keep keeps make me mean means my of on or so tell that the their them then there these this to use used using was what when where which who why will with work works you your'.split(
    ' ',
  ),
);

function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])
    .filter((word) => word.length > 1 && !STOPWORDS.has(word))
    .map((word) => (word.length > 4 ? word.replace(/(?:ing|es|s|ed)$/, '') : word));
}

interface Candidate {
  sentence: string;
  citationId: string;
  score: number;
  rank: number;
}

/** Prose sentences of a chunk: headings, code fences and table rules left out. */
function sentences(text: string): string[] {
  const prose = text
    .replace(/```[\s\S]*?(?:```|$)/g, ' ')
    .split('\n')
    .filter((line) => !/^\s*(?:#|\||-{3,}|<)/.test(line))
    .join(' ')
    .replace(/\s+/g, ' ');
  return prose
    .split(/(?<=[.!?])\s+(?=[A-Z`*[(])/)
    .map((sentence) => sentence.trim().replace(/^[-*]\s+/, ''))
    .filter(
      (sentence) =>
        sentence.length >= 25 &&
        sentence.length <= 600 &&
        // Code that lost its fence at a chunk boundary is not an answer.
        (sentence.match(/[{}]|=>|\/\/|\bconst\b|\bimport\b|\w\([^)]*\);/g) ?? []).length < 2,
    );
}

/**
 * Up to `maxSentences` cited sentences answering `question` from `chunks` (most relevant
 * chunk first), or an empty list when nothing shares a word with the question.
 */
export function extractAnswer(
  question: string,
  chunks: readonly PackedChunk[],
  { maxSentences = 4 }: { maxSentences?: number } = {},
): Array<{ sentence: string; citationId: string }> {
  const wanted = new Set(terms(question));
  if (wanted.size === 0) return [];
  const candidates: Candidate[] = [];
  chunks.forEach((chunk, rank) => {
    for (const sentence of sentences(chunk.chunk.text)) {
      candidates.push({ sentence, citationId: chunk.citationId, score: 0, rank });
    }
  });
  const frequency = new Map<string, number>();
  const termsOf = candidates.map((candidate) => new Set(terms(candidate.sentence)));
  for (const set of termsOf)
    for (const term of set) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  candidates.forEach((candidate, index) => {
    let score = 0;
    for (const term of termsOf[index] as Set<string>) {
      if (wanted.has(term)) score += Math.log(1 + candidates.length / (frequency.get(term) ?? 1));
    }
    candidate.score = score / (1 + 0.3 * candidate.rank);
  });
  const picked: Candidate[] = [];
  const pickedTerms: Array<Set<string>> = [];
  const perChunk = new Map<string, number>();
  for (const index of candidates
    .map((_, i) => i)
    .filter((i) => (candidates[i] as Candidate).score > 0)
    .sort((a, b) => (candidates[b] as Candidate).score - (candidates[a] as Candidate).score)) {
    const own = termsOf[index] as Set<string>;
    const repeats = pickedTerms.some((other) => {
      let shared = 0;
      for (const term of own) if (other.has(term)) shared++;
      return shared / Math.max(1, Math.min(own.size, other.size)) > 0.7;
    });
    const candidate = candidates[index] as Candidate;
    // At most two sentences from one chunk, so an answer draws on several sources.
    if (repeats || (perChunk.get(candidate.citationId) ?? 0) === 2) continue;
    perChunk.set(candidate.citationId, (perChunk.get(candidate.citationId) ?? 0) + 1);
    picked.push(candidate);
    pickedTerms.push(own);
    if (picked.length === maxSentences) break;
  }
  return picked.map(({ sentence, citationId }) => ({ sentence, citationId }));
}
