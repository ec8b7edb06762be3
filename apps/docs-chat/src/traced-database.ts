/**
 * Storage spans: the database seam wrapped so that every statement a request runs (and each
 * transaction, its statements inside) is a CLIENT span of that request's trace, named and
 * attributed on OpenTelemetry's database conventions (`db.system.name`, `db.operation.name`,
 * `db.collection.name`, the statement's text without its values, the rows returned). Work
 * outside a request (the ingest at start, LISTEN) opens no span.
 */
import type { SpanLike, Tracer } from '@keel/observability';
import type { Database, SqlQuery } from './database';

/** What the wrapper reads the tracer from (`AppObservability` fits). */
export interface DatabaseTracing {
  readonly tracer: Tracer;
  currentSpan(): SpanLike | undefined;
}

/** OTel's CLIENT span kind and ERROR status. */
const CLIENT = 2;
const ERROR = 2;

/** A statement's text in a span: whitespace collapsed, cut (its values are never in it). */
const MAX_TEXT = 300;

/** The operation and the table a statement works on, as far as its first words say. */
function statementTarget(text: string): { operation: string; table?: string } {
  const operation = (/^\s*(\w+)/.exec(text)?.[1] ?? 'query').toUpperCase();
  const table = /\b(?:from|into|update|table)\s+(?:if\s+(?:not\s+)?exists\s+)?([\w.]+)/i.exec(
    text,
  )?.[1];
  return { operation, ...(table && { table }) };
}

/**
 * Wraps `db`; `tracing` is read per statement, so the wrapper can be made before the
 * observability it reports to.
 *
 * @example
 * ```ts
 * const traced = traceDatabase(db, () => observability);
 * await tracer.withSpan(request, () => traced.query('select 1')); // a `SELECT` span under it
 * ```
 */
export function traceDatabase(db: Database, tracing: () => DatabaseTracing | undefined): Database {
  const system = 'postgresql';

  async function traced<T>(
    name: string,
    attributes: Record<string, string | number>,
    run: (span: SpanLike | undefined) => Promise<T>,
  ): Promise<T> {
    const observing = tracing();
    if (!observing?.currentSpan()) return run(undefined);
    const span = observing.tracer.startSpan(name, {
      kind: CLIENT,
      attributes: { 'db.system.name': system, ...attributes },
    });
    try {
      return await observing.tracer.withSpan(span, () => run(span));
    } catch (error) {
      span.setStatus({
        code: ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  }

  const query =
    (on: SqlQuery): SqlQuery['query'] =>
    <Row>(text: string, values?: unknown[]) => {
      const { operation, table } = statementTarget(text);
      return traced(
        table ? `${operation} ${table}` : operation,
        {
          'db.operation.name': operation,
          ...(table && { 'db.collection.name': table }),
          'db.query.text': text.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT),
        },
        async (span) => {
          const result = await on.query<Row>(text, values);
          span?.setAttributes({ 'db.response.returned_rows': result.rowCount });
          return result;
        },
      );
    };

  return {
    engine: db.engine,
    ...(db.pool && { pool: db.pool }),
    query: query(db),
    transaction: (work) =>
      traced('transaction', { 'db.operation.name': 'TRANSACTION' }, () =>
        db.transaction((tx) => work({ query: query(tx) })),
      ),
    listen: (channel, handlers) => db.listen(channel, handlers),
    close: () => db.close(),
  };
}
