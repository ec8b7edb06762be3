/**
 * The HTTP routes as plain data: a method, a path (segments starting with `:` are
 * parameters), who may call it, and the handler. The server matches a request against the
 * table before handling it, so a refused request is counted, traced and logged under its
 * route's path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler gets. */
export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** The path's `:name` segments, decoded. */
  params: Readonly<Record<string, string>>;
  traceId: string;
}

/** What a handler of a `user` route gets: the caller's id (`x-user-id`) too. */
export interface UserRouteContext extends RouteContext {
  userId: string;
}

/** The methods routes answer. */
export type RouteMethod = 'GET' | 'POST' | 'DELETE';

interface RouteBase {
  method: RouteMethod;
  /** `/api/documents` or `/api/documents/:id`. */
  path: string;
}

/**
 * One route. `public`: anyone; `user`: the `x-user-id` header names the caller (a proxy
 * authenticates it); `admin`: with `DOCS_CHAT_ADMIN_TOKEN` set, `Authorization: Bearer <it>`.
 */
export type Route =
  | (RouteBase & {
      auth: 'public' | 'admin';
      handler: (context: RouteContext) => Promise<void>;
    })
  | (RouteBase & {
      auth: 'user';
      handler: (context: UserRouteContext) => Promise<void>;
    });

/** What a path matched in a table. */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; path: string; allowed: RouteMethod[] }
  | { kind: 'none' };

/** The parameters of `path` under `pattern`, or undefined when it does not match. */
function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const given = have[index] ?? '';
    if (!segment.startsWith(':')) {
      if (segment !== given) return undefined;
      continue;
    }
    if (given === '') return undefined;
    try {
      params[segment.slice(1)] = decodeURIComponent(given);
    } catch {
      return undefined;
    }
  }
  return params;
}

/**
 * Finds the route for `method` and `path`.
 *
 * @example
 * matchRoute(routes, 'DELETE', '/api/documents/7'); // { kind: 'found', route, params: { id: '7' } }
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allowed: RouteMethod[] = [];
  let matchedPath: string | undefined;
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === method) return { kind: 'found', route, params };
    matchedPath ??= route.path;
    allowed.push(route.method);
  }
  return matchedPath ? { kind: 'wrong-method', path: matchedPath, allowed } : { kind: 'none' };
}
