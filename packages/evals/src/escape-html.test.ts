import { describe, expect, it } from 'vitest';
import { escapeHtml, scriptJson } from './escape-html';

describe('escapeHtml', () => {
  it('writes the five HTML characters as entities and leaves the rest', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a> é`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt; é',
    );
    expect(escapeHtml('<img src=x onerror=alert(1)>')).not.toMatch(/[<>]/);
  });

  it('escapes an entity so it shows as written', () => {
    expect(escapeHtml('&lt;script&gt;')).toBe('&amp;lt;script&amp;gt;');
  });
});

describe('scriptJson', () => {
  const hostile = {
    answer: '</script><script>alert(1)</script><!-- & \u2028\u2029',
    id: '<img src=x onerror=alert(2)>',
  };

  it('has no character that could end a script block or open a comment', () => {
    const json = scriptJson(hostile);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json.toLowerCase()).not.toContain('</script');
    expect(json).toContain('\\u003c/script\\u003e');
  });

  it('parses back to the same value', () => {
    expect(JSON.parse(scriptJson(hostile))).toEqual(hostile);
    expect(JSON.parse(scriptJson([1, null, 'a&b']))).toEqual([1, null, 'a&b']);
  });
});
