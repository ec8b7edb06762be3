/**
 * The test's scripts for the mock provider: per route, a queue of replies answered in order and
 * a standing responder, each checked when it is set, and the next reply a request gets (the
 * deterministic default answer when nothing is scripted).
 */
import { InvalidArgumentError } from '@keel/core';
import type { MockReply } from './mock-reply';
import type { RequestSummary } from './request-summary';
import { defaultReply } from './resolve-reply';
import { isMockRoute, type MockRoute, ROUTES } from './routes';
import { validateReply } from './validate-reply';

/** A request as a responder function sees it. */
export interface MockRequest {
  route: MockRoute;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** Request headers, credentials redacted. */
  headers: Record<string, string>;
  /** 0-based count of earlier requests to the same route. */
  callIndex: number;
}

/** Computes a reply from the request. */
export type Responder = (request: MockRequest) => MockReply | Promise<MockReply>;

/** A reply, or a function that computes one. */
export type MockScript = MockReply | Responder;

/**
 * Scripts per route: an array is a queue answered in order (then defaults); a single reply or
 * responder answers every request to that route.
 */
export type MockScenario = Partial<Record<MockRoute, MockScript | MockScript[]>>;

/** The scripts of one mock provider, made by {@link createScriptBook}. */
export interface ScriptBook {
  /** Queues replies (or one-shot responders) for a route, answered in order. */
  enqueue(route: MockRoute, ...replies: MockScript[]): void;
  /** Answers every request to `route` that has no queued reply; `undefined` restores the default answer. */
  respondWith(route: MockRoute, script: MockScript | undefined): void;
  /** How many queued replies `route` has left. */
  pending(route: MockRoute): number;
  /** Queues each array of `scenario` and sets each single script as its route's responder. */
  load(scenario: MockScenario): void;
  /** Clears every queue and responder. */
  clear(): void;
  /**
   * The reply to `request`: the route's next queued script, else its responder, else the
   * default answer for `summary`. A computed reply is checked before it is served.
   */
  next(request: MockRequest, summary: RequestSummary): Promise<MockReply>;
}

/** The route, or an {@link InvalidArgumentError} naming the routes there are. */
function checkRoute(route: unknown): MockRoute {
  if (isMockRoute(route)) return route;
  throw new InvalidArgumentError({
    argument: 'route',
    message: `Unknown mock route ${JSON.stringify(route)}; use one of ${Object.keys(ROUTES).join(', ')}`,
  });
}

/** Checks a reply when it is set; a responder's reply is checked when it is computed. */
function checkScript(script: MockScript, argument: string): void {
  if (typeof script !== 'function') validateReply(script, argument);
}

/**
 * An empty script book.
 *
 * @example
 * ```ts
 * const scripts = createScriptBook();
 * scripts.enqueue('openai.chat', { text: 'Hello!' });
 * const reply = await scripts.next(request, summarizeRequest(request.route, request.body));
 * ```
 */
export function createScriptBook(): ScriptBook {
  const queues = new Map<MockRoute, MockScript[]>();
  const responders = new Map<MockRoute, MockScript>();

  const book: ScriptBook = {
    enqueue(route, ...replies) {
      checkRoute(route);
      for (const [i, reply] of replies.entries()) checkScript(reply, `replies[${i}]`);
      queues.set(route, [...(queues.get(route) ?? []), ...replies]);
    },
    respondWith(route, script) {
      checkRoute(route);
      if (script === undefined) responders.delete(route);
      else {
        checkScript(script, 'script');
        responders.set(route, script);
      }
    },
    pending: (route) => queues.get(checkRoute(route))?.length ?? 0,
    load(scenario) {
      for (const [route, script] of Object.entries(scenario)) {
        if (Array.isArray(script)) book.enqueue(checkRoute(route), ...script);
        else if (script !== undefined) book.respondWith(checkRoute(route), script);
      }
    },
    clear() {
      queues.clear();
      responders.clear();
    },
    async next(request, summary) {
      const { route } = request;
      const script = queues.get(route)?.shift() ?? responders.get(route);
      if (script === undefined) return defaultReply(summary);
      const reply = typeof script === 'function' ? await script(request) : script;
      validateReply(reply, `reply for ${route}`);
      return reply;
    },
  };
  return book;
}
