/**
 * A retrieval: an INTERNAL `retrieval` span (`gen_ai.operation.name` `retrieval`, top-k, the
 * query only when content is on), a `retrieval` record and its duration.
 */
import type { CallObserver, RetrievalEnd, RetrievalStart } from '@keel/core';
import { GEN_AI, KEEL, METRICS } from './attributes';
import type { Labels } from './metrics-registry';
import { definedOnly, type Recorder, whoAttributes } from './recorder';
import { SPAN_KIND } from './span-types';

/** Observes one retrieval. */
export function observeRetrieval(
  recorder: Recorder,
  start: RetrievalStart,
): CallObserver<RetrievalEnd> {
  const who = recorder.who(start.metadata);
  const { mode, query } = recorder.clean({
    mode: start.mode,
    query: recorder.contentAllowed(start.metadata) ? start.query : undefined,
  });
  const labels: Labels = definedOnly({ mode, feature: who.feature } as Labels);
  return recorder.observe(
    'retrieval',
    SPAN_KIND.internal,
    () => ({
      [GEN_AI.operationName]: 'retrieval',
      [GEN_AI.requestTopK]: start.k,
      [KEEL.retrievalMode]: mode,
      [GEN_AI.retrievalQueryText]: query,
      ...whoAttributes(who),
    }),
    (end: RetrievalEnd) => ({
      event: 'retrieval',
      msg: `retrieval ${mode} ${end.outcome}`,
      who,
      labels,
      attributes: {
        [KEEL.retrievalResultCount]: end.resultCount,
        [KEEL.retrievalTopScore]: end.topScore,
      },
      fields: { mode, k: start.k, result_count: end.resultCount, top_score: end.topScore, query },
      after: (latencyMs) =>
        recorder.metrics.record(METRICS.retrievalDuration, latencyMs / 1000, labels),
    }),
  );
}
