/**
 * What the server sends for the page: its own files from `public/`, and the browser builds of
 * the libraries it renders answers with (marked, DOMPurify, highlight.js with a few languages),
 * read from the app's dependencies at start and served from fixed paths under `/vendor/`, so
 * the strict CSP (`script-src 'self'`) holds with no bundler and no CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A file the server sends as it is. */
export interface StaticFile {
  body: Buffer;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';

/** The page's own files, in `public/`. */
const PUBLIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: JS },
  '/render.js': { file: 'render.js', type: JS },
  '/http.js': { file: 'http.js', type: JS },
  '/user.js': { file: 'user.js', type: JS },
  '/documents.js': { file: 'documents.js', type: JS },
  '/memory.js': { file: 'memory.js', type: JS },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/dashboard': { file: 'dashboard.html', type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: JS },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};

/** The languages code blocks are highlighted in (highlight.js names; aliases such as `ts` and `sh` come with them). */
export const HIGHLIGHT_LANGUAGES = [
  'bash',
  'javascript',
  'json',
  'python',
  'sql',
  'typescript',
  'xml',
  'yaml',
] as const;

/** `/vendor/highlight.js`: highlight.js core with {@link HIGHLIGHT_LANGUAGES} registered. */
function highlightModule(): string {
  const imports = HIGHLIGHT_LANGUAGES.map(
    (name) => `import ${name} from '/vendor/hljs/${name}.js';`,
  );
  const registrations = HIGHLIGHT_LANGUAGES.map(
    (name) => `hljs.registerLanguage('${name}', ${name});`,
  );
  return [
    "import hljs from '/vendor/hljs/core.js';",
    ...imports,
    ...registrations,
    'export default hljs;',
    '',
  ].join('\n');
}

/** The ES module builds of the vendor libraries, by path. */
function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const highlight = dirname(require.resolve('@highlightjs/cdn-assets/es/core.min.js'));
  return {
    '/vendor/marked.js': require.resolve('marked'),
    '/vendor/purify.js': join(dirname(require.resolve('dompurify')), 'purify.es.mjs'),
    '/vendor/hljs/core.js': join(highlight, 'core.min.js'),
    ...Object.fromEntries(
      HIGHLIGHT_LANGUAGES.map((name) => [
        `/vendor/hljs/${name}.js`,
        join(highlight, 'languages', `${name}.min.js`),
      ]),
    ),
  };
}

/**
 * Every static file by request path, read once.
 *
 * @example
 * ```ts
 * const files = loadStaticFiles(join(APP_DIR, 'public'));
 * files.get('/vendor/marked.js')?.type; // 'text/javascript; charset=utf-8'
 * ```
 */
export function loadStaticFiles(publicDir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const [path, { file, type }] of Object.entries(PUBLIC)) {
    files.set(path, { body: readFileSync(join(publicDir, file)), type });
  }
  for (const [path, file] of Object.entries(vendorFiles())) {
    files.set(path, { body: readFileSync(file), type: JS });
  }
  files.set('/vendor/highlight.js', { body: Buffer.from(highlightModule()), type: JS });
  // uPlot, the dashboard's charts: its ES module and the stylesheet it needs.
  const uplot = dirname(createRequire(import.meta.url).resolve('uplot'));
  files.set('/vendor/uplot.js', { body: readFileSync(join(uplot, 'uPlot.esm.js')), type: JS });
  files.set('/vendor/uplot.css', {
    body: readFileSync(join(uplot, 'uPlot.min.css')),
    type: 'text/css; charset=utf-8',
  });
  return files;
}
