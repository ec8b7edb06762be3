/**
 * The dashboard's JSON routes, behind the admin token as `/metrics` and `/api/usage` are:
 * `GET /api/dashboard` (every view's figures) and `GET /api/dashboard/traces/:id` (one recent
 * turn's span waterfall). The page itself, `/dashboard`, is a static file holding no data.
 */
import type { Answerer } from './answerer';
import type { AppObservability } from './app-observability';
import { ChatError } from './chat-error';
import { createDashboardData } from './dashboard-data';
import type { SqlQuery } from './database';
import { sendJson } from './http-responses';
import type { LedgerStore } from './ledger-store';
import type { Route } from './route-table';

/** What the dashboard reads. */
export interface DashboardRoutesOptions {
  ledger: LedgerStore;
  db: SqlQuery;
  answerer: Pick<Answerer, 'mode' | 'model'>;
  observability: Pick<AppObservability, 'metrics' | 'dashboard'>;
}

/**
 * Creates the dashboard's routes.
 *
 * @example
 * ```ts
 * createHttpServer({ ...deps, routes: dashboardRoutes({ ledger, db, answerer, observability }) });
 * ```
 */
export function dashboardRoutes({
  ledger,
  db,
  answerer,
  observability: { metrics, dashboard },
}: DashboardRoutesOptions): Route[] {
  const data = createDashboardData({
    ledger,
    db,
    metrics,
    traces: dashboard.traces,
    timeline: dashboard.requests,
    answerer,
  });
  return [
    {
      method: 'GET',
      path: '/api/dashboard',
      auth: 'admin',
      async handler({ response }) {
        sendJson(response, 200, await data.summary());
      },
    },
    {
      method: 'GET',
      path: '/api/dashboard/traces/:id',
      auth: 'admin',
      async handler({ response, params }) {
        const id = params.id ?? '';
        const waterfall = data.waterfall(id);
        if (!waterfall) {
          throw new ChatError({
            code: 'not_found',
            message: `No turn with trace ${id} is kept: only the most recent turns are; pick one from the dashboard's lists`,
          });
        }
        sendJson(response, 200, waterfall);
      },
    },
  ];
}
