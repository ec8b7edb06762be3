/**
 * The checks providers make of the optional request fields Keel sends (reasoning effort,
 * thinking, logprobs, service tier, files, server tools), worded as each provider words them,
 * so a client's mistakes fail against the mock as they would against the real API.
 */
import type { MockRoute } from './routes';

type Body = Record<string, unknown>;
type Problem = { message: string; param: string; code?: string };

const record = (value: unknown): Body =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
const OPENAI_TIERS = new Set(['auto', 'default', 'flex', 'scale', 'priority']);
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const SERVER_TOOLS = new Set(['web_search_20250305', 'code_execution_20250825']);
const DATA_PDF = /^data:application\/pdf;base64,[A-Za-z0-9+/]+=*$/;

function openAIProblem(param: string, message: string): Problem {
  return { param, message, code: 'invalid_value' };
}

/** Chat Completions and Responses fields both APIs share. */
function openAICommon(body: Body): Problem | undefined {
  if (body.service_tier !== undefined && !OPENAI_TIERS.has(String(body.service_tier))) {
    return openAIProblem(
      'service_tier',
      `Invalid value: '${body.service_tier}'. Supported values are: 'auto', 'default', 'flex', 'scale' and 'priority'.`,
    );
  }
  const top = body.top_logprobs;
  if (
    top !== undefined &&
    !(Number.isInteger(top) && (top as number) >= 0 && (top as number) <= 20)
  ) {
    return openAIProblem(
      'top_logprobs',
      `Invalid 'top_logprobs': integer must be between 0 and 20.`,
    );
  }
  if (body.parallel_tool_calls !== undefined && list(body.tools).length === 0) {
    return openAIProblem(
      'parallel_tool_calls',
      "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.",
    );
  }
  return undefined;
}

function chatProblem(body: Body): Problem | undefined {
  if (body.reasoning_effort !== undefined && !EFFORTS.has(String(body.reasoning_effort))) {
    return openAIProblem(
      'reasoning_effort',
      `Invalid value: '${body.reasoning_effort}'. Supported values are: 'minimal', 'low', 'medium', and 'high'.`,
    );
  }
  if (body.top_logprobs !== undefined && body.logprobs !== true) {
    return openAIProblem(
      'top_logprobs',
      "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.",
    );
  }
  for (const [index, message] of list(body.messages).entries()) {
    for (const [at, part] of list(record(message).content).entries()) {
      const file = record(record(part).file);
      if (record(part).type === 'file' && !DATA_PDF.test(String(file.file_data))) {
        return openAIProblem(
          `messages[${index}].content[${at}].file.file_data`,
          'Invalid file data: expected a base64-encoded data URL of a PDF.',
        );
      }
    }
  }
  return openAICommon(body);
}

function responsesProblem(body: Body): Problem | undefined {
  const effort = record(body.reasoning).effort;
  if (effort !== undefined && !EFFORTS.has(String(effort))) {
    return openAIProblem(
      'reasoning.effort',
      `Invalid value: '${effort}'. Supported values are: 'minimal', 'low', 'medium', and 'high'.`,
    );
  }
  return openAICommon(body);
}

/** An Anthropic image or document block's problem. */
function blockProblem(block: Body, where: string): Problem | undefined {
  const source = record(block.source);
  if (
    block.type === 'image' &&
    source.type === 'base64' &&
    !IMAGE_TYPES.has(String(source.media_type))
  ) {
    return {
      param: `${where}.source.media_type`,
      message: `${where}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`,
    };
  }
  if (block.type === 'document') {
    const expected =
      source.type === 'base64'
        ? 'application/pdf'
        : source.type === 'text'
          ? 'text/plain'
          : undefined;
    if (expected !== undefined && source.media_type !== expected) {
      return {
        param: `${where}.source.media_type`,
        message: `${where}.source.${source.type}.media_type: Input should be '${expected}'`,
      };
    }
  }
  return undefined;
}

function anthropicProblem(body: Body): Problem | undefined {
  const thinking = record(body.thinking);
  if (thinking.type === 'enabled') {
    const budget = thinking.budget_tokens;
    if (!Number.isInteger(budget) || (budget as number) < 1024) {
      return {
        param: 'thinking',
        message: 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
      };
    }
    if ((budget as number) >= Number(body.max_tokens)) {
      return {
        param: 'max_tokens',
        message:
          '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size',
      };
    }
    if (body.temperature !== undefined && body.temperature !== 1) {
      return {
        param: 'temperature',
        message:
          '`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility',
      };
    }
    const choice = record(body.tool_choice).type;
    if (choice === 'any' || choice === 'tool') {
      return {
        param: 'tool_choice',
        message: 'Thinking may not be enabled when tool_choice forces tool use.',
      };
    }
  }
  if (
    body.service_tier !== undefined &&
    !['auto', 'standard_only'].includes(String(body.service_tier))
  ) {
    return {
      param: 'service_tier',
      message: "service_tier: Input should be 'auto' or 'standard_only'",
    };
  }
  for (const [index, tool] of list(body.tools).entries()) {
    const type = record(tool).type;
    if (type !== undefined && type !== 'custom' && !SERVER_TOOLS.has(String(type))) {
      return {
        param: `tools.${index}.type`,
        message: `tools.${index}: Input tag '${type}' found using 'type' does not match any of the expected tags`,
      };
    }
  }
  for (const [index, message] of list(body.messages).entries()) {
    for (const [at, block] of list(record(message).content).entries()) {
      const problem = blockProblem(record(block), `messages.${index}.content.${at}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** The first problem with a request's optional fields, as the provider words it. */
export function optionProblem(route: MockRoute, body: Body): Problem | undefined {
  switch (route) {
    case 'openai.chat':
      return chatProblem(body);
    case 'openai.responses':
      return responsesProblem(body);
    case 'anthropic.messages':
      return anthropicProblem(body);
    default:
      return undefined;
  }
}
