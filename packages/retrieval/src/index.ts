/**
 * @keel/retrieval: token-sized chunking with provenance, embedders (local by default, OpenAI)
 * with a cache, an HNSW store with filtered search, BM25 and hybrid search, token-budget
 * context packing with citations, and retrieval metrics.
 */
export {
  type Analyzer,
  type AnalyzerOptions,
  createAnalyzer,
  type StemmerName,
} from './analyze';
export type { AnalyzerDescriptor } from './analyzer-descriptor';
export { AnalyzerMismatchError } from './analyzer-mismatch-error';
export type { Bm25Field } from './bm25-fields';
export {
  type Bm25Document,
  type Bm25Hit,
  type Bm25Index,
  type Bm25Options,
  type Bm25SearchOptions,
  createBm25Index,
} from './bm25-index';
export { type ChunkOptions, chunkDocument } from './chunk-document';
export { type CohereRerankerOptions, createCohereReranker } from './cohere-reranker';
export { CorruptIndexError } from './corrupt-index-error';
export { DimensionMismatchError } from './dimension-mismatch-error';
export type { Embedder, EmbedOptions } from './embedder';
export {
  createEmbeddingCache,
  type EmbeddingCache,
  type EmbeddingCacheOptions,
  type LocalEmbeddingCache,
  withEmbeddingCache,
} from './embedding-cache';
export { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
export {
  type EvalQuery,
  type EvaluateRetrievalOptions,
  evaluateRetrieval,
  formatEvaluation,
  type Qrels,
  type QueryEvaluation,
  type RetrievalEvaluation,
  type RetrievalMetrics,
  scoreRanking,
} from './evaluate-retrieval';
export { createExactStore, type ExactStoreOptions } from './exact-store';
export { type Citation, type ExtractedCitations, extractCitations } from './extract-citations';
export type { Filter, FilterValue } from './filter';
export { createHnswStore, type HnswStore, type HnswStoreOptions } from './hnsw-store';
export type {
  HttpReranker,
  HttpRerankerOptions,
  RerankRanking,
  RerankUsage,
} from './http-reranker';
export type { IngestProgress } from './ingest-progress';
export { createLocalEmbedder, type LocalEmbedderOptions } from './local-embedder';
export { type MmrOptions, maximalMarginalRelevance } from './maximal-marginal-relevance';
export {
  createOpenAIEmbedder,
  type OpenAIEmbedderOptions,
  type OpenAIEmbeddingsClient,
} from './openai-embedder';
export {
  type PackContextOptions,
  type PackedChunk,
  type PackedContext,
  packContext,
} from './pack-context';
export { parseGolden } from './parse-golden';
export { type ReadFolderOptions, readFolder } from './read-folder';
export type { RerankResult } from './read-rerank-response';
export { readSavedChunks } from './read-saved-chunks';
export { type FusionOptions, reciprocalRankFusion } from './reciprocal-rank-fusion';
export { removeNearDuplicates } from './remove-near-duplicates';
export { RerankHttpError } from './rerank-http-error';
export { COHERE_RERANK_PRICES, VOYAGE_RERANK_PRICES } from './rerank-prices';
export { RerankResponseError } from './rerank-response-error';
export type { Reranker, RerankFunction } from './reranker';
export { createRetriever } from './retriever';
export type {
  HybridOptions,
  IngestOptions,
  IngestResult,
  RetrievalMode,
  RetrieveOptions,
  Retriever,
  RetrieverOptions,
  SharedRetriever,
  SharedRetrieverOptions,
} from './retriever-options';
export type { AnalyzerLanguage } from './snowball-stem';
export { ENGLISH_STOP_WORDS, type StopWordSetName } from './stop-words';
export type { TextIndex } from './text-index';
export type { Chunk, Document, DocumentFormat, Metadata, RetrievedChunk } from './types';
export {
  UnsupportedDocumentError,
  type UnsupportedDocumentReason,
} from './unsupported-document-error';
export type { Vector } from './validate-vector';
export type {
  AsyncVectorStore,
  Space,
  VectorHit,
  VectorItem,
  VectorSearchOptions,
  VectorStore,
} from './vector-store';
export { createVoyageReranker, type VoyageRerankerOptions } from './voyage-reranker';
