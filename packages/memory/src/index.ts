/**
 * @keel/memory: conversation memory that stays honest. Rolling summaries of dropped turns, facts
 * with source, time and confidence, recall by hybrid search, and forgetting that reaches every
 * copy. The PGlite and PostgreSQL store is `@keel/memory/postgres`.
 */
export { createMemory, type Memory, type MemoryOptions } from './create-memory';
export type { ForgetResult, ForgetSelector } from './eraser';
export { type ExtractedFact, type ExtractFactsOptions, extractFacts } from './extract-facts';
export { EXTRACTIVE_SUMMARY_ID, extractiveSummary } from './extractive-summary';
export {
  type ConversationSummary,
  type Fact,
  type FactSource,
  MEMORY_SCOPES,
  type MemoryContext,
  type MemoryScope,
} from './fact';
export type { ScoredFact } from './fact-index';
export type { WrittenFact } from './fact-writer';
export type { HistoryRequest, HistoryWindow, Turn } from './history-window';
export { InvalidFactError, type InvalidFactField } from './invalid-fact-error';
export { createLocalMemoryStore } from './local-memory-store';
export { EXTRACTED_FACTS, FACTS_PROMPT, SUMMARY_PROMPT } from './memory-prompts';
export type { FactQuery, FactSelector, MemoryStore, SummarySelector } from './memory-store';
export type { RememberResult } from './remember-facts';
export {
  citationIdOf,
  citedFacts,
  type RenderedMemory,
  type RenderMemoryOptions,
  renderMemory,
} from './render-memory';
export type { MemorySpend } from './spend';
export { STATED_FACT_CONFIDENCE, statedFacts } from './stated-facts';
export { type FactInput, MAX_STATEMENT_LENGTH, MAX_SUBJECT_LENGTH } from './validate-fact';
