/**
 * Anthropic's `tools` and `tool_choice`: the request's function tools, the server tools the
 * provider runs itself (web search, code execution), and the choice with parallel tool use.
 */
import type { ChatRequest, ServerTool } from '@keel/core';

type CacheControl = { type: 'ephemeral'; ttl?: '1h' };

/** A Keel server tool as Anthropic's versioned tool definition. */
function serverToolParam(tool: ServerTool) {
  if (tool.type === 'code-execution') {
    return { type: 'code_execution_20250825', name: 'code_execution' };
  }
  return {
    type: 'web_search_20250305',
    name: 'web_search',
    ...(tool.maxUses !== undefined && { max_uses: tool.maxUses }),
    ...(tool.allowedDomains !== undefined && { allowed_domains: tool.allowedDomains }),
    ...(tool.blockedDomains !== undefined && { blocked_domains: tool.blockedDomains }),
  };
}

/**
 * Function tools then server tools, with the prompt-cache breakpoint on the last one (tools
 * are part of the cached prefix); `undefined` when there are none.
 */
export function anthropicTools(
  functionTools: readonly object[] | undefined,
  serverTools: readonly ServerTool[] | undefined,
  cacheControl: CacheControl | undefined,
): object[] | undefined {
  const all = [...(functionTools ?? []), ...(serverTools ?? []).map(serverToolParam)];
  if (all.length === 0) return undefined;
  if (cacheControl === undefined) return all;
  return all.map((tool, index) =>
    index === all.length - 1 ? { ...tool, cache_control: cacheControl } : tool,
  );
}

const CHOICES = { auto: 'auto', required: 'any', none: 'none' } as const;

/**
 * The request's tool choice, with `disable_parallel_tool_use` when `parallelToolCalls` is
 * false; nothing without tools (the API refuses a choice without tools).
 */
export function anthropicToolChoice({ tools, toolChoice, providerOptions }: ChatRequest) {
  if (tools === undefined || tools.length === 0) return {};
  const parallel = providerOptions?.parallelToolCalls;
  if (toolChoice === undefined && parallel === undefined) return {};
  const choice =
    typeof toolChoice === 'object'
      ? { type: 'tool' as const, name: toolChoice.toolName }
      : { type: CHOICES[toolChoice ?? 'auto'] };
  return {
    tool_choice:
      parallel === undefined || choice.type === 'none'
        ? choice
        : { ...choice, disable_parallel_tool_use: !parallel },
  };
}
