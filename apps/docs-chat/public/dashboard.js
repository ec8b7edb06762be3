// The operations dashboard: polls GET /api/dashboard every 5 s with the admin token and draws
// it (uPlot for the time series, tables for the rest); `#trace=<id>` shows one turn's span
// waterfall from GET /api/dashboard/traces/:id. No inline script or style: the CSP holds.
import uPlot from '/vendor/uplot.js';

const TOKEN_KEY = 'docs-chat-admin-token';
const REFRESH_MS = 5_000;

const $ = (id) => document.getElementById(id);

/** Creates an element with `text`, and `className` when given. */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const integer = new Intl.NumberFormat('en');
const ms = (value) =>
  value === undefined || value === null ? '–' : `${integer.format(Math.round(value))} ms`;
const usd = (value) => `$${value.toFixed(4)}`;
const percent = (value) => `${(value * 100).toFixed(1)}%`;

/** GETs `path` with the token; undefined (and the token form shown) on 401. */
async function get(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('views').hidden = true;
    $('token-form').hidden = false;
    return undefined;
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message ?? `${path} answered ${response.status}`);
  $('token-form').hidden = true;
  $('views').hidden = false;
  return body;
}

function showError(error) {
  $('error').textContent = error ? String(error.message ?? error) : '';
  $('error').hidden = !error;
}

/**
 * The x range: the data's, a minute of margin each side (uPlot widens a single point's range
 * to 86,400,000 s when times are in seconds).
 */
function timeRange(chart) {
  const times = chart.data[0];
  const now = Date.now() / 1_000;
  return times.length === 0 ? [now - 600, now] : [times[0] - 60, times[times.length - 1] + 60];
}

/** One uPlot per container, created on first data and updated after. */
const charts = new Map();

function drawChart(id, series, data) {
  const container = $(id);
  const width = Math.max(280, container.clientWidth);
  const existing = charts.get(id);
  if (existing) {
    existing.setData(data);
    return;
  }
  const chart = new uPlot(
    {
      width,
      height: 220,
      series: [
        {},
        ...series.map(({ label, stroke, dash }) => ({
          label,
          stroke,
          width: 2,
          ...(dash && { dash: [6, 4] }),
          spanGaps: false,
          points: { show: true, size: 5 },
        })),
      ],
      axes: [{}, { size: 60 }],
      scales: { x: { time: true, range: timeRange } },
    },
    data,
    container,
  );
  charts.set(id, chart);
}

function drawRequests({ points }) {
  drawChart(
    'chart-requests',
    [
      { label: 'requests', stroke: '#1f5fbf' },
      { label: 'errors (5xx)', stroke: '#b3261e' },
      { label: '429s', stroke: '#8a5a00' },
    ],
    [
      points.map((point) => point.at / 1_000),
      points.map((point) => point.requests),
      points.map((point) => point.errors),
      points.map((point) => point.rateLimited),
    ],
  );
}

function drawLatency(latency) {
  const { points } = latency;
  drawChart(
    'chart-latency',
    [
      { label: 'first token p50 (ms)', stroke: '#1e7b34' },
      { label: 'first token p95 (ms)', stroke: '#1e7b34', dash: true },
      { label: 'turn p50 (ms)', stroke: '#1f5fbf' },
      { label: 'turn p95 (ms)', stroke: '#1f5fbf', dash: true },
    ],
    [
      points.map((point) => point.at / 1_000),
      points.map((point) => point.timeToFirstTokenP50),
      points.map((point) => point.timeToFirstTokenP95),
      points.map((point) => point.totalP50),
      points.map((point) => point.totalP95),
    ],
  );
  const rows = [
    ['time to first token', latency.timeToFirstTokenMs],
    ['whole turn', latency.totalMs],
  ].map(([name, figures]) => {
    const row = el('tr');
    row.append(el('th', name), ...['p50', 'p90', 'p99'].map((p) => el('td', ms(figures?.[p]))));
    return row;
  });
  const caption = el('tr');
  const note = el('td', `over the last ${latency.turns} turns this replica keeps`, 'hint');
  note.colSpan = 4;
  caption.append(note);
  $('latency-table').replaceChildren(...rows, caption);
}

/** Puts `head` and `rows` in table `id`, or a row saying `empty` when there are none. */
function fillTable(id, head, rows, empty) {
  if (rows.length === 0) {
    const cell = el('td', empty, 'hint');
    cell.colSpan = head.children.length;
    const row = el('tr');
    row.append(cell);
    rows.push(row);
  }
  $(id).replaceChildren(head, ...rows);
}

/** A breakdown table: name, a bar for its dollars (or tokens when all are $0), figures. */
function drawBreakdown(id, groups) {
  const entries = Object.entries(groups);
  const tokens = ([, totals]) => totals.inputTokens + totals.outputTokens;
  const byCost = entries.some(([, totals]) => totals.costUsd > 0);
  const size = byCost ? ([, totals]) => totals.costUsd : tokens;
  const largest = Math.max(0, ...entries.map(size));
  const head = el('tr');
  head.append(el('th', 'name'), el('th', byCost ? 'dollars' : 'tokens'), el('th', 'calls'));
  head.append(el('th', 'in'), el('th', 'out'), el('th', 'cost'));
  const rows = entries
    .sort((a, b) => size(b) - size(a) || a[0].localeCompare(b[0]))
    .map((entry) => {
      const [name, totals] = entry;
      const bar = el('span', undefined, 'bar');
      // CSSOM, not a style attribute: the CSP allows it.
      bar.style.width = `${largest === 0 ? 0 : (size(entry) / largest) * 100}%`;
      const barCell = el('td', undefined, 'bar-cell');
      barCell.append(bar);
      const row = el('tr');
      row.append(el('th', name), barCell, el('td', integer.format(totals.calls)));
      row.append(el('td', integer.format(totals.inputTokens)));
      row.append(el('td', integer.format(totals.outputTokens)), el('td', usd(totals.costUsd)));
      return row;
    });
  fillTable(id, head, rows, 'no model calls yet');
}

function drawUsage(usage) {
  const { total } = usage;
  $('usage-total').textContent =
    `From the ledger, every replica: ${integer.format(total.calls)} model calls, ` +
    `${integer.format(total.inputTokens)} tokens in, ${integer.format(total.outputTokens)} out, ` +
    `${usd(total.costUsd)}.`;
  drawBreakdown('by-user', usage.byUser);
  drawBreakdown('by-feature', usage.byFeature);
  drawBreakdown('by-model', usage.byModel);
}

function drawCache(cache) {
  $('cache-calls').textContent =
    `${percent(cache.hitRate)} (${integer.format(cache.cachedCalls)} of ${integer.format(cache.calls)})`;
  $('cache-tokens').textContent =
    `${percent(cache.tokenHitRate)} (${integer.format(cache.cacheReadTokens)} of ${integer.format(cache.inputTokens)})`;
}

function drawBreakers(summary) {
  const items = summary.breakers.map(({ key, state }) => {
    const item = el('li');
    item.append(el('span', state, `state state-${state}`), el('span', ` ${key}`));
    return item;
  });
  if (items.length === 0) {
    items.push(
      el(
        'li',
        summary.mode === 'offline'
          ? 'None: offline mode calls no provider.'
          : `No breaker state reported for ${summary.model} yet.`,
        'hint',
      ),
    );
  }
  $('breakers').replaceChildren(...items);
}

function drawTurns(id, turns) {
  const head = el('tr');
  for (const name of ['when', 'user', 'model', 'first token', 'turn', 'tokens', 'cost', 'trace'])
    head.append(el('th', name));
  const rows = turns.map((turn) => {
    const link = el('a', turn.traceId.slice(0, 12));
    link.href = `#trace=${turn.traceId}`;
    const traceCell = el('td');
    traceCell.append(link);
    const row = el('tr');
    row.append(
      el('td', new Date(turn.startedAt).toLocaleTimeString('en-GB')),
      el('td', turn.userId ?? '–'),
      el('td', turn.model ?? '–'),
      el('td', ms(turn.timeToFirstTokenMs)),
      el('td', ms(turn.durationMs)),
      el('td', integer.format(turn.inputTokens + turn.outputTokens)),
      el('td', usd(turn.costUsd)),
      traceCell,
    );
    return row;
  });
  fillTable(id, head, rows, 'no turns yet on this replica');
}

/** A span's attributes and events, shown when its row is opened. */
function spanDetails(span) {
  const table = el('table', undefined, 'attributes');
  const add = (name, value) => {
    const row = el('tr');
    row.append(el('th', name), el('td', typeof value === 'string' ? value : JSON.stringify(value)));
    table.append(row);
  };
  for (const [name, value] of Object.entries(span.attributes)) add(name, value);
  for (const event of span.events) {
    add(`event ${event.name} at ${ms(event.offsetMs)}`, event.attributes ?? {});
  }
  if (span.statusMessage) add('status', `${span.status}: ${span.statusMessage}`);
  return table;
}

async function showTrace(traceId) {
  const waterfall = await get(`/api/dashboard/traces/${encodeURIComponent(traceId)}`);
  if (!waterfall) return;
  const { turn, spans } = waterfall;
  const total = Math.max(1, turn.durationMs);
  $('trace-turn').textContent =
    `Trace ${turn.traceId}: ${ms(turn.durationMs)}, first token ${ms(turn.timeToFirstTokenMs)}, ` +
    `${turn.modelCalls} model and ${turn.toolCalls} tool calls, ${usd(turn.costUsd)}` +
    (waterfall.droppedSpans > 0 ? ` (${waterfall.droppedSpans} spans not kept)` : '');
  const rows = spans.map((span) => {
    const item = el('li', undefined, `span cat-${span.category}`);
    item.dataset.category = span.category;
    const details = el('details');
    const summary = el('summary');
    const name = el('span', span.name, 'span-name');
    name.style.paddingLeft = `${span.depth * 1.2}rem`;
    const track = el('span', undefined, 'track');
    const bar = el('span', undefined, span.status === 'error' ? 'bar error' : 'bar');
    // At least 0.5 % wide, so an instant span shows; kept inside its track, so one that starts
    // at the turn's very end (or outlives it) does not spill past the edge.
    const width = Math.min(100, Math.max(0.5, (span.durationMs / total) * 100));
    bar.style.left = `${Math.min((span.offsetMs / total) * 100, 100 - width)}%`;
    bar.style.width = `${width}%`;
    track.append(bar);
    summary.append(name, track, el('span', ms(span.durationMs), 'span-duration'));
    details.append(summary, spanDetails(span));
    item.append(details);
    return item;
  });
  $('waterfall').replaceChildren(...rows);
  $('overview').hidden = true;
  $('trace').hidden = false;
  $('trace-title').focus();
}

async function refresh() {
  const summary = await get('/api/dashboard');
  if (!summary) return;
  $('mode').textContent = `${summary.mode} · ${summary.model}`;
  $('updated').textContent = `updated ${new Date(summary.generatedAt).toLocaleTimeString('en-GB')}`;
  drawRequests(summary.requests);
  drawLatency(summary.latency);
  drawUsage(summary.usage);
  drawCache(summary.cache);
  drawBreakers(summary);
  drawTurns('slowest', summary.slowest);
  drawTurns('expensive', summary.mostExpensive);
  document.body.dataset.state = 'ready';
}

async function route() {
  const traceId = /^#trace=([0-9a-f]+)$/.exec(location.hash)?.[1];
  try {
    showError(undefined);
    if (traceId) {
      await showTrace(traceId);
      return;
    }
    $('trace').hidden = true;
    $('overview').hidden = false;
    await refresh();
  } catch (error) {
    showError(error);
  }
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value);
  $('token').value = '';
  void route();
});
window.addEventListener('hashchange', () => void route());
window.addEventListener('resize', () => {
  for (const [id, chart] of charts) chart.setSize({ width: $(id).clientWidth, height: 220 });
});
setInterval(() => {
  if (!$('overview').hidden && !$('views').hidden) void refresh().catch(showError);
}, REFRESH_MS);
void route();
