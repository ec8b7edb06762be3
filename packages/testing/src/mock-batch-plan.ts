/**
 * What the mock's batch routes share: the test's plan for how batches progress, and what the
 * server gives each batch route.
 */
import type { ServerError } from './provider-errors';
import type { IdSource } from './render/rendered';
import type { MockRoute } from './routes';

/** How the mock's batches progress; set with `MockProvider.planBatches`. */
export interface MockBatchPlan {
  /** Status checks answered as still running before a batch ends; default 1. */
  pollsBeforeEnd?: number;
  /** Items from this index on expire instead of being answered; default none. */
  expireFrom?: number;
  /**
   * OpenAI only: the batch fails validation with this error instead of running (Anthropic
   * batches do not fail as a whole).
   */
  failWith?: { code: string; message: string };
}

/** A plan with its defaults filled in. */
export type ResolvedBatchPlan = Required<Omit<MockBatchPlan, 'failWith'>> &
  Pick<MockBatchPlan, 'failWith'>;

/** The plan `plan` asks for, defaults filled in. */
export function resolveBatchPlan(plan: MockBatchPlan = {}): ResolvedBatchPlan {
  return {
    pollsBeforeEnd: plan.pollsBeforeEnd ?? 1,
    expireFrom: plan.expireFrom ?? Number.POSITIVE_INFINITY,
    ...(plan.failWith !== undefined && { failWith: plan.failWith }),
  };
}

/** One batch item's answer: the body the route would send, or its error. */
export type BatchItemAnswer = { body: unknown } | { error: ServerError };

/** What a batch route needs from the server. */
export interface BatchRouteContext {
  ids: IdSource;
  /** The server's base URL. */
  url(): string;
  /** The current plan. */
  plan(): ResolvedBatchPlan;
  /** Answers one item as a non-streaming request to `route`. */
  answer(route: MockRoute, body: Record<string, unknown>): Promise<BatchItemAnswer>;
}

/** A request to a batch route, as it arrived. */
export interface BatchRequest {
  method: string;
  path: string;
  /** The body as JSON when it parsed, else its text. */
  body: unknown;
  /** The request's `content-type`. */
  contentType: string;
}

/** A batch route's response: a JSON body, raw bytes, or an error in the provider's shape. */
export type BatchResponse =
  | { status: number; body: unknown }
  | { status: number; text: string; contentType: string }
  | { status: number; error: ServerError };

/** One provider's batch routes, with their own store. */
export interface MockBatchRoutes {
  /** True for the paths these routes serve. */
  serves(path: string): boolean;
  handle(request: BatchRequest): Promise<BatchResponse>;
  reset(): void;
}
