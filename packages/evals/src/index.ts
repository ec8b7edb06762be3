/**
 * @keel/evals: datasets, scorers (retrieval, answers, safety, operations), a resumable runner
 * with a cost cap and a cassette, and baseline-vs-candidate comparison that gates CI.
 */
export {
  answerScorer,
  factRecall,
  missingFacts,
  schemaValidity,
} from './answer-scores';
export type { CaseResult } from './case-result';
export {
  type Cassette,
  type CassetteMode,
  type CassetteOptions,
  createCassette,
} from './cassette';
export { CassetteMissError } from './cassette-miss-error';
export { cassetteModel } from './cassette-model';
export {
  type CitationScoreOptions,
  citationRecall,
  citationScorer,
  citationValidity,
} from './citation-scores';
export { type CitedPassages, citedPassages } from './cited-passages';
export {
  type ChangedCase,
  type CompareOptions,
  type CompareThresholds,
  type Comparison,
  compareRuns,
  type MetricDelta,
} from './compare-runs';
export { DatasetError, type DatasetLineIssue } from './dataset-error';
export {
  ATTACKS,
  type Attack,
  type EvalCase,
  type GoldenCase,
  goldenCaseSchema,
  type RedTeamCase,
  redTeamCaseSchema,
} from './eval-case';
export { defineEvalConfig, type EvalConfig } from './eval-config';
export { formatComparison, formatRun } from './format-report';
export {
  type Groundedness,
  type GroundednessOptions,
  groundedness,
  groundednessScorer,
  type SentenceSupport,
} from './groundedness';
export {
  type ComparisonReport,
  formatComparisonHtml,
  formatRunHtml,
  type RunReport,
} from './html-report';
export {
  type JudgeAnswerOptions,
  type Judgement,
  judgeAnswer,
  judgeScorer,
} from './judge';
export { JUDGE_PROMPT, type JudgeAnswer, judgementSchema } from './judge-prompt';
export { loadDataset, type ParseDatasetOptions, parseDataset } from './load-dataset';
export {
  type CaseOperations,
  caseOperations,
  type OperationsMetric,
  type OperationsSummary,
  summarizeOperations,
} from './operations';
export { REFUSAL_PATTERNS } from './refusal-patterns';
export { readResults } from './results-file';
export {
  type RetrievalScores,
  retrievalScorer,
  type ScoreRetrievalOptions,
  scoreRetrieval,
} from './retrieval-scores';
export type { EvalTask, TaskContext } from './run-case';
export { type EvalProgress, type EvalRun, type RunEvalOptions, runEval } from './run-eval';
export {
  type LeakOptions,
  leakedSecrets,
  refused,
  safetyScorer,
  unapprovedTools,
} from './safety-scores';
export type {
  CaseScorer,
  EvalOutput,
  RetrievedPassage,
  ScoreContext,
  ScoreSet,
} from './scorer';
export {
  type BootstrapOptions,
  type DeltaInterval,
  pairedBootstrap,
  percentile,
  seededRandom,
} from './statistics';
export {
  checkThresholds,
  type MetricSummary,
  type RunSummary,
  summarizeRun,
  type Thresholds,
} from './summarize-run';
export { type ProgressStream, terminalProgress } from './terminal-progress';
