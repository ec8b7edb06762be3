/**
 * The shell of an HTML report: one self-contained document with its styles, its data as JSON
 * and the script that filters the cases inline. A Content-Security-Policy lets only that one
 * script run (by its hash) and loads nothing, so the page works from disk and makes no request.
 */
import { createHash } from 'node:crypto';
import { escapeHtml, scriptJson } from './escape-html';

const STYLE = `
:root { color-scheme: light dark; --up: #1a7f37; --down: #cf222e; --flat: #6e7781; --line: #8c959f55; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, td:first-child { text-align: left; }
.gate { padding: .5rem .8rem; border-radius: 6px; border: 1px solid; }
.gate.pass { color: var(--up); } .gate.fail { color: var(--down); }
svg { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg text { fill: currentColor; } svg .tick { opacity: .7; }
svg .grid { stroke: var(--line); } svg .zero { stroke: currentColor; stroke-dasharray: 3 3; }
svg .interval { stroke-width: 4; stroke-linecap: round; }
.up .interval, .up .point { stroke: var(--up); fill: var(--up); }
.down .interval, .down .point { stroke: var(--down); fill: var(--down); }
.flat .interval, .flat .point { stroke: var(--flat); fill: var(--flat); }
svg .whisker, svg .median, svg .p95 { stroke: currentColor; } svg .p95 { stroke-dasharray: 2 2; }
svg .box { fill: #0969da33; stroke: #0969da; } svg .dot { fill: #0969da99; }
.filters { display: flex; gap: .6rem; flex-wrap: wrap; align-items: center; margin: .5rem 0 1rem; }
.case { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; margin: .8rem 0; }
.case h3 { font-size: 1rem; margin: 0 0 .3rem; } .question { margin: 0 0 .4rem; opacity: .85; }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1rem; }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; background: #8c959f1a; padding: .5rem; border-radius: 4px; margin: .3rem 0; }
.error { color: var(--down); } .up-text { color: var(--up); } .down-text { color: var(--down); }
.tag { display: inline-block; font-size: 12px; border: 1px solid var(--line); border-radius: 9px; padding: 0 .45rem; margin-right: .25rem; }
`;

/** Hides the cases that do not match the text box and every filter's selected token. */
const SCRIPT = `(() => {
  const cases = [...document.querySelectorAll('[data-case]')].map((element) => ({
    element,
    tokens: JSON.parse(element.dataset.tokens),
    text: element.textContent.toLowerCase(),
  }));
  const search = document.getElementById('filter-text');
  const selects = [...document.querySelectorAll('select[data-filter]')];
  const shown = document.getElementById('shown');
  const apply = () => {
    const needle = search.value.trim().toLowerCase();
    let count = 0;
    for (const { element, tokens, text } of cases) {
      const match = text.includes(needle) && selects.every((s) => s.value === '' || tokens.includes(s.value));
      element.hidden = !match;
      if (match) count++;
    }
    shown.textContent = count + ' of ' + cases.length + ' shown';
  };
  search.addEventListener('input', apply);
  for (const select of selects) select.addEventListener('change', apply);
  apply();
})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

/** A filter of the case list: a select whose options are tokens cases carry. */
export interface CaseFilter {
  name: string;
  label: string;
  options: readonly { token: string; label: string }[];
}

/** The search box and the selects above a case list. */
export function caseFilters(filters: readonly CaseFilter[]): string {
  const selects = filters
    .filter((filter) => filter.options.length > 0)
    .map(
      ({ name, label, options }) =>
        `<label>${escapeHtml(label)} <select data-filter="${escapeHtml(name)}"><option value="">all</option>${options
          .map((o) => `<option value="${escapeHtml(o.token)}">${escapeHtml(o.label)}</option>`)
          .join('')}</select></label>`,
    )
    .join('');
  return `<div class="filters"><label>Search <input id="filter-text" type="search" placeholder="id, question or answer"></label>${selects}<span id="shown"></span></div>`;
}

/**
 * A whole report page: `body` is trusted markup built from escaped parts; `data` is embedded
 * as JSON in `<script type="application/json" id="keel-evals-data">` for anyone who wants the
 * figures back.
 */
export function htmlPage({
  title,
  body,
  data,
}: {
  title: string;
  body: string;
  data: unknown;
}): string {
  const policy = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; form-action 'none'; base-uri 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script type="application/json" id="keel-evals-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
