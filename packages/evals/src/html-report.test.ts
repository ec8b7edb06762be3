import { describe, expect, it } from 'vitest';
import { baseline, candidate } from '../test/hostile-runs';
import type { CaseResult } from './case-result';
import { compareRuns } from './compare-runs';
import { formatComparisonHtml, formatRunHtml } from './html-report';
import { summarizeRun } from './summarize-run';

const comparison = compareRuns(baseline, candidate, {
  seed: 1,
  resamples: 200,
  thresholds: { maxDrop: { recall: 0.1 } },
});
const page = formatComparisonHtml({ comparison, baseline, candidate });

/** The page's `<script` openings: only its data block and its filter script. */
const scriptTags = (html: string) => html.match(/<script[^>]*>/gi) ?? [];

const embedded = (html: string) =>
  JSON.parse(
    /<script type="application\/json" id="keel-evals-data">([\s\S]*?)<\/script>/.exec(
      html,
    )?.[1] as string,
  );

describe('formatComparisonHtml', () => {
  it('escapes every string from the runs, so none becomes markup', () => {
    expect(scriptTags(page)).toEqual([
      '<script type="application/json" id="keel-evals-data">',
      '<script>',
    ]);
    expect(page).not.toMatch(/<img|<svg onload/i);
    expect(page).toContain('&lt;script&gt;window.pwned = 1&lt;/script&gt;');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;window.pwned = 3');
    expect(page).toContain(`data-case="&lt;img src=x onerror=&quot;window.pwned = 4&quot;&gt;"`);
    expect(page).toContain('&lt;svg onload=&quot;window.pwned = 5&quot;&gt;What leaks?');
  });

  it('embeds the comparison and both runs as JSON that reads back whole', () => {
    expect(embedded(page)).toEqual(JSON.parse(JSON.stringify({ comparison, baseline, candidate })));
  });

  it('charts every metric delta and both runs’ latency and cost', () => {
    expect(page.match(/data-metric="[^"]+"/g)).toEqual([
      'data-metric="groundedness"',
      'data-metric="recall"',
    ]);
    // recall's interval reaches zero from below: drawn as no clear change.
    expect(page).toContain('<g class="flat" data-metric="recall">');
    for (const chart of ['latency', 'cost']) {
      const svg = page.slice(page.indexOf(`data-chart="${chart}"`));
      expect(svg.slice(0, svg.indexOf('</svg>')).match(/data-series="\w+"/g)).toEqual([
        'data-series="baseline"',
        'data-series="candidate"',
      ]);
    }
  });

  it('lists the changed cases with both answers and the gate', () => {
    expect(page.match(/<article class="case" data-case="[^"]*"/g)).toEqual([
      '<article class="case" data-case="b"',
      '<article class="case" data-case="&lt;img src=x onerror=&quot;window.pwned = 4&quot;&gt;"',
      '<article class="case" data-case="a"',
    ]);
    const a = page.slice(page.indexOf('data-case="a"'));
    expect(a).toContain(
      'data-tokens="[&quot;metric:recall&quot;,&quot;moved:down&quot;,&quot;tag:two-doc&quot;]"',
    );
    expect(a).toContain('<div class="answer" data-side="baseline">Keys rotate daily.</div>');
    expect(a).toContain(
      '<tr class="changed down-text"><td>recall</td><td>1.000</td><td>0.000</td></tr>',
    );
    expect(page).toContain('data-gate="fail"');
    expect(page).toContain('<li>recall fell by 0.250, more than 0.1</li>');
    expect(page).toContain('<option value="moved:up">up</option>');
  });

  it('says so when no case changed and the gate passes', () => {
    const same = formatComparisonHtml({
      comparison: compareRuns(baseline, baseline, { resamples: 50 }),
      baseline,
      candidate: baseline,
    });
    expect(same).toContain('<p>No case changed.</p>');
    expect(same).toContain('data-gate="pass"');
    expect(same).not.toContain('<article');
  });
});

describe('formatRunHtml', () => {
  it('shows every case of a run, escaped, with a status to filter by', () => {
    const { output: _, ...second } = candidate[1] as CaseResult;
    const failed = { ...second, error: { name: 'APIError', message: '<b>500</b>' } };
    const results = [candidate[0], failed, candidate[2]] as CaseResult[];
    const html = formatRunHtml({
      name: 'candidate',
      results,
      summary: summarizeRun(results),
      skipped: ['d'],
      missed: ['recall 0.667 is below 0.9'],
    });
    expect(scriptTags(html)).toHaveLength(2);
    expect(html.match(/<article/g)).toHaveLength(3);
    expect(html).toContain('&lt;script&gt;window.pwned = 1');
    expect(html).toContain('APIError: &lt;b&gt;500&lt;/b&gt;');
    expect(html).toContain('data-tokens="[&quot;status:failed&quot;]"');
    expect(html).toContain('1 not run (cost cap): d.');
    expect(html).toContain('<li>recall 0.667 is below 0.9</li>');
    expect(embedded(html).results).toHaveLength(3);
  });
});
