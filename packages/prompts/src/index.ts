/**
 * @keel/prompts: typed, versioned prompts validated with zod, a safe logic-light template
 * syntax, a file registry, and fencing of untrusted text with injection heuristics.
 */
export {
  definePrompt,
  type Prompt,
  type PromptDefinition,
  type PromptMessageTemplate,
  type RenderOptions,
} from './define-prompt';
export { diffPrompts } from './diff-prompts';
export {
  DATAMARK,
  type FencedText,
  type FenceOptions,
  fenceUntrusted,
  LONGEST_FENCE_CODE,
  UNTRUSTED_INSTRUCTIONS,
  type UntrustedMode,
} from './fence-untrusted';
export { formatMessages } from './format-messages';
export { INJECTION_RULES, type InjectionCategory, type InjectionRule } from './injection-rules';
export { type PromptFile, parsePromptFile } from './parse-prompt-file';
export { parseTemplate, type Template, type TemplateNode, type ValuePath } from './parse-template';
export {
  type PromptCase,
  type PromptCaseResult,
  parsePromptCases,
  type RunPromptCaseOptions,
  runPromptCase,
} from './prompt-cases';
export { PromptFileError } from './prompt-file-error';
export { PromptInputError, type ValueIssue } from './prompt-input-error';
export { PromptNotFoundError } from './prompt-not-found-error';
export { PromptOutputError } from './prompt-output-error';
export {
  createPromptRegistry,
  type PromptRegistry,
  type PromptRegistryOptions,
} from './prompt-registry';
export { PromptTooLargeError } from './prompt-too-large-error';
export type { PromptBudget } from './render-prompt';
export { type InvisibleHandling, sanitizeText } from './sanitize-text';
export {
  type InjectionFinding,
  type InjectionReport,
  type ScoreInjectionOptions,
  scoreInjection,
} from './score-injection';
export { snapshotPrompt } from './snapshot-prompt';
export { TemplateSyntaxError } from './template-syntax-error';
export {
  isUntrustedText,
  type UntrustedOptions,
  type UntrustedText,
  untrusted,
  untrustedText,
} from './untrusted';
