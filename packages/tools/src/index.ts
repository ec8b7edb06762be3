/**
 * @keel/tools: tools defined once with zod, JSON Schema per provider, a validating dispatcher
 * with allowlists, policies and single-use approvals, and a bounded agent loop.
 */

export type {
  AgentOptions,
  AgentState,
  AgentStep,
  AgentStopReason,
  AgentStreamPart,
  PendingTurn,
  ToolStatusEvent,
} from './agent-state';
export {
  type ApprovalStore,
  createMemoryApprovalStore,
  type PendingApproval,
} from './approval-store';
export { argumentsDigest, canonicalJson } from './canonical-json';
export {
  type AnyTool,
  defineTool,
  type Tool,
  type ToolConfig,
  type ToolEffect,
  type ToolRunContext,
} from './define-tool';
export type { ArgumentLimits } from './inspect-arguments';
export {
  defaultPolicy,
  type PolicyDecision,
  type PolicyRequest,
  type PolicyVerdict,
  type ToolPolicy,
} from './policy';
export {
  ANTHROPIC_STRICT,
  type AnthropicTool,
  type ObjectSchema,
  OPENAI_STRICT,
  type OpenAIChatTool,
  type OpenAIResponsesTool,
  openAISchema,
  type ProviderToolOptions,
  type ToolSource,
  toAnthropicTool,
  toOpenAIChatTool,
  toOpenAIResponsesTool,
} from './provider-tools';
export { runAgent } from './run-agent';
export { streamAgent } from './stream-agent';
export { type StrictProfile, type StrictSchemaResult, toStrictSchema } from './strict-schema';
export type { ToolCallRecord, ToolFailure, ToolOutcome } from './tool-call-record';
export { ToolSchemaError } from './tool-schema-error';
export { createToolbox } from './toolbox';
export type {
  ApprovalDecision,
  DispatchContext,
  DispatchResult,
  Toolbox,
  ToolboxOptions,
} from './toolbox-types';
