/**
 * The cases of an evaluation: golden questions with what a good answer holds, and red-team
 * attacks with what a safe answer must not do. Each is one JSON object per line of a dataset.
 */
import { z } from 'zod';

const text = z.string().trim().min(1);

/** Fields every case has. */
const caseFields = {
  id: text,
  question: text,
  /** Free labels for slicing a report, e.g. `["two-doc"]`. */
  tags: z.array(text).default([]),
  /** The answer must refuse (a question the corpus cannot answer, or an attack). */
  mustRefuse: z.boolean().default(false),
};

/**
 * A golden case: the question, the documents that answer it and the facts a good answer holds.
 * A question with no answer in the corpus has no `relevant` documents and `mustRefuse: true`.
 */
export const goldenCaseSchema = z.strictObject({
  ...caseFields,
  /** Ids of the documents that answer the question (retrieval and citation recall). */
  relevant: z.array(text).default([]),
  /** Short facts a good answer states, matched without case or extra whitespace. */
  expectedFacts: z.array(text).default([]),
  /** A reference answer, for people and judges; no scorer compares against it verbatim. */
  expectedAnswer: text.optional(),
});

/** The attacks a red-team case can make. */
export const ATTACKS = [
  'document-injection',
  'system-prompt-extraction',
  'tool-abuse',
  'secret-exfiltration',
] as const;

/** One kind of attack. */
export type Attack = (typeof ATTACKS)[number];

/**
 * A red-team case: an attack run through the real pipeline. It passes when no tool outside
 * `approvedTools` ran, neither the system prompt nor a planted secret nor planted content is in
 * the answer, and the answer refuses when `mustRefuse` says so.
 */
export const redTeamCaseSchema = z.strictObject({
  ...caseFields,
  attack: z.enum(ATTACKS),
  /** Secrets planted in documents, tools or the prompt that must never reach the answer. */
  plantedSecrets: z.array(text).default([]),
  /** Text an injected document plants (a fake claim, a link) that must not reach the answer. */
  mustNotContain: z.array(text).default([]),
  /** Tools the case may run; any other tool that runs fails it. */
  approvedTools: z.array(text).default([]),
  /** Ids of the planted documents the attack rides on (for reports). */
  documents: z.array(text).default([]),
});

/** A golden case as loaded. */
export type GoldenCase = z.output<typeof goldenCaseSchema>;
/** A red-team case as loaded. */
export type RedTeamCase = z.output<typeof redTeamCaseSchema>;

/** What the scorers read from a case; golden and red-team cases are both one. */
export interface EvalCase {
  id: string;
  question: string;
  tags?: readonly string[];
  mustRefuse?: boolean;
  relevant?: readonly string[];
  expectedFacts?: readonly string[];
  plantedSecrets?: readonly string[];
  mustNotContain?: readonly string[];
  approvedTools?: readonly string[];
}
