/**
 * The provider endpoints the mock server speaks, as data.
 */

/** A route of the mock provider, named `<provider>.<endpoint>`. */
export type MockRoute =
  | 'openai.chat'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'anthropic.messages'
  | 'anthropic.count_tokens'
  | 'cohere.rerank'
  | 'voyage.rerank';

/**
 * The provider whose wire protocol (auth, error shape, headers) a route follows. The rerank
 * routes take Bearer keys like OpenAI's and answer errors in OpenAI's shape.
 */
export type MockProviderName = 'openai' | 'anthropic';

/** Path and provider of every route. */
export const ROUTES: Readonly<Record<MockRoute, { path: string; provider: MockProviderName }>> = {
  'openai.chat': { path: '/v1/chat/completions', provider: 'openai' },
  'openai.responses': { path: '/v1/responses', provider: 'openai' },
  'openai.embeddings': { path: '/v1/embeddings', provider: 'openai' },
  'anthropic.messages': { path: '/v1/messages', provider: 'anthropic' },
  'anthropic.count_tokens': { path: '/v1/messages/count_tokens', provider: 'anthropic' },
  'cohere.rerank': { path: '/v2/rerank', provider: 'openai' },
  'voyage.rerank': { path: '/v1/rerank', provider: 'openai' },
};

const routeByPath = new Map(
  Object.entries(ROUTES).map(([route, { path }]) => [path, route as MockRoute]),
);

/** The route serving `path` (query string ignored), or undefined. */
export function routeForPath(path: string): MockRoute | undefined {
  return routeByPath.get(path.split('?')[0] ?? path);
}

/** True when `value` names a route. */
export function isMockRoute(value: unknown): value is MockRoute {
  return typeof value === 'string' && Object.hasOwn(ROUTES, value);
}

/** The provider whose error shapes fit a path, for requests that match no route. */
export function providerForPath(path: string): MockProviderName {
  return path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}
