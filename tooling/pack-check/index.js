#!/usr/bin/env node
/**
 * The pack check: what a user gets from npm, tried as a user would. Packs every published
 * package with `pnpm pack`, installs the tarballs with npm into an empty project in the system's
 * temp directory (outside the workspace), then takes each README's `quick-start` example and
 *
 * - type-checks it under `strict`: as ESM (.mts) and CJS (.cts) with `module`/`moduleResolution`
 *   `nodenext`, and as ESM with `moduleResolution` `bundler`;
 * - runs it as ESM (.mjs) and CJS (.cjs), with a preload that refuses any connection off the
 *   loopback and the OpenAI and Anthropic SDKs pointed at @keel/testing's mock provider.
 *
 * Names an example uses for the reader's own things (`userInput`, `model`) come from
 * `stand-ins/<package dir>.ts`. Usage: `pnpm pack-check [--keep] [--verbose]`, after `pnpm build`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readmeExample, splitExample } from '@keel/readme-examples';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = new Set(process.argv.slice(2));
const keep = args.has('--keep');
const verbose = args.has('--verbose');

/** Third-party packages the examples need, at the versions the workspace tests against. */
const CONSUMER_DEPENDENCIES = ['openai', '@anthropic-ai/sdk', 'zod', 'typescript', '@types/node'];
/** Dependencies whose install script must run (npm 11 asks for approval). */
const ALLOWED_INSTALL_SCRIPTS = { 'hnswlib-node': true };
/** Environment npm keeps; other npm_* and pnpm_* variables come from the pnpm that runs us. */
const NPM_ENV_KEPT = new Set([
  'npm_config_registry',
  'npm_config_cache',
  'npm_config_nodedir',
  'npm_config_cafile',
  'npm_config_proxy',
  'npm_config_https_proxy',
  'npm_config_noproxy',
  'npm_config_strict_ssl',
  'npm_config_userconfig',
  'npm_config_globalconfig',
]);
const EXAMPLE_TIMEOUT_MS = 120_000;

const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const failures = [];

function fail(what, detail) {
  failures.push(what);
  console.error(`✗ ${what}${detail ? `\n${indent(detail)}` : ''}`);
}

function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** Runs a command; resolves to its exit code and combined output (never rejects on exit code). */
function run(command, commandArgs, { cwd = root, env = process.env, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            output += `\n(killed after ${timeoutMs / 1000} s)`;
            child.kill('SIGKILL');
          }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

async function readJson(path) {
  return JSON.parse(await readFile(path, 'utf8'));
}

/** The published packages: every non-private package under packages/. */
async function publishedPackages() {
  const packages = [];
  for (const dir of (await readdir(join(root, 'packages'))).sort()) {
    const path = join(root, 'packages', dir, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = await readJson(path);
    if (manifest.private) continue;
    packages.push({ dir, name: manifest.name, version: manifest.version, manifest });
  }
  return packages;
}

/** The version of a third-party package that the workspace's manifests pin. */
async function workspaceVersions(names) {
  const manifests = [await readJson(join(root, 'package.json'))];
  for (const base of ['packages', 'apps', 'tooling']) {
    for (const dir of await readdir(join(root, base))) {
      const path = join(root, base, dir, 'package.json');
      if (existsSync(path)) manifests.push(await readJson(path));
    }
  }
  return names.map((name) => {
    for (const manifest of manifests) {
      const version = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
      if (version !== undefined && !version.startsWith('workspace:')) return `${name}@${version}`;
    }
    throw new Error(`No workspace package depends on ${name}; add it or drop it from the check`);
  });
}

/** pnpm, the way we were started: `pnpm pack-check` sets npm_execpath to pnpm's own script. */
function pnpmCommand(packageManager) {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm(\.c?js)?$/.test(execPath)) {
    return [process.execPath, [execPath]];
  }
  return ['npx', ['--yes', packageManager]];
}

function npmEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(key) && !NPM_ENV_KEPT.has(key.toLowerCase())) continue;
    env[key] = value;
  }
  // node-gyp builds hnswlib-node against the running Node's headers when they are installed,
  // instead of downloading them.
  const prefix = dirname(dirname(process.execPath));
  if (env.npm_config_nodedir === undefined && existsSync(join(prefix, 'include/node/node.h'))) {
    env.npm_config_nodedir = prefix;
  }
  return env;
}

/** Internal dependency ranges in a packed manifest: each must be a real range the version meets. */
function checkInternalRanges(manifest, versions) {
  const problems = [];
  const ranges = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${name} is still "${range}"`);
      if (!versions.has(name)) continue;
      const version = versions.get(name);
      const exact = range === version;
      const caret = range === `^${version}` || range === `~${version}`;
      if (!exact && !caret) problems.push(`${field}.${name} is "${range}", not ${version}`);
      ranges.push(`${name}@${range}`);
    }
  }
  return { problems, ranges };
}

async function packAll(packages, tarballs) {
  const rootManifest = await readJson(join(root, 'package.json'));
  const [command, prefix] = pnpmCommand(rootManifest.packageManager);
  const filters = packages.flatMap(({ name }) => ['--filter', name]);
  const packed = await run(command, [
    ...prefix,
    '--recursive',
    ...filters,
    'pack',
    '--pack-destination',
    tarballs,
  ]);
  if (packed.code !== 0) throw new Error(`pnpm pack failed:\n${packed.output}`);
  const files = await readdir(tarballs);
  const versions = new Map(packages.map(({ name, version }) => [name, version]));
  for (const pkg of packages) {
    const file = `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`;
    if (!files.includes(file)) throw new Error(`pnpm pack wrote no ${file} for ${pkg.name}`);
    pkg.tarball = join(tarballs, file);
    const listing = await run('tar', ['-xOzf', pkg.tarball, 'package/package.json']);
    const { problems, ranges } = checkInternalRanges(JSON.parse(listing.output), versions);
    if (problems.length > 0) fail(`${pkg.name}: packed package.json`, problems.join('\n'));
    else
      console.log(`  ${pkg.name}@${pkg.version}${ranges.length ? ` → ${ranges.join(', ')}` : ''}`);
  }
}

/** The packages a README's shell blocks install (`npm install a b`, `npm i -D c`). */
function installedByReadme(readme) {
  const names = new Set();
  for (const [, block] of readme.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    for (const line of block.split('\n')) {
      const command = /^(?:npm (?:install|i|add)|pnpm add|yarn add)\s+(.*)$/.exec(
        line.replace(/#.*/, '').trim(),
      );
      for (const arg of command?.[1].split(/\s+/) ?? []) {
        if (arg !== '' && !arg.startsWith('-')) names.add(arg.replace(/(?<=.)@[^/]*$/, ''));
      }
    }
  }
  return names;
}

/** The package a bare import specifier names, or undefined for relative and Node imports. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

/**
 * A reader who runs the README's install command and copies the quick start must have every
 * package it imports: the package itself, what the install command adds, or its dependencies.
 */
function checkInstallCommand(pkg, readme, imports) {
  const installed = installedByReadme(readme);
  const available = new Set([
    pkg.name,
    ...installed,
    ...Object.keys(pkg.manifest.dependencies ?? {}),
  ]);
  const missing = [...new Set(imports.map(({ module }) => packageOf(module)))].filter(
    (name) => name !== undefined && !available.has(name),
  );
  if (missing.length > 0) {
    fail(
      `${pkg.name}: README install command`,
      `the quick start imports ${missing.join(', ')}, which the README's install command (${
        [...installed].join(' ') || 'none'
      }) does not install; add ${missing.length === 1 ? 'it' : 'them'} to the install block`,
    );
  }
}

/** The example files for one package: ESM and CJS for nodenext, ESM for bundler. */
async function writeExample(pkg, app) {
  const readme = await readFile(join(root, 'packages', pkg.dir, 'README.md'), 'utf8');
  let code;
  try {
    code = readmeExample(readme, 'quick-start');
  } catch (error) {
    fail(`${pkg.name}: README`, error.message);
    return false;
  }
  const standInsPath = join(here, 'stand-ins', `${pkg.dir}.ts`);
  const standIns = existsSync(standInsPath) ? await readFile(standInsPath, 'utf8') : undefined;
  const names = standIns === undefined ? [] : splitExample(standIns).exported;
  const standInImport = (extension) =>
    names.length === 0
      ? ''
      : `import { ${names.join(', ')} } from './${pkg.dir}.stand-ins${extension}';\n`;
  const { imports, statements } = splitExample(code);
  checkInstallCommand(pkg, readme, imports);
  const cjs = [
    ...imports.map(({ source }) => source),
    standInImport('.cjs').trimEnd(),
    '',
    'async function main() {',
    ...statements,
    '}',
    'main().catch((error) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
  const files = {
    [`nodenext/${pkg.dir}.mts`]: `${standInImport('.mjs')}${code}`,
    [`nodenext/${pkg.dir}.cts`]: cjs,
    [`bundler/${pkg.dir}.ts`]: `${standInImport('.js')}${code}`,
  };
  if (standIns !== undefined) {
    files[`nodenext/${pkg.dir}.stand-ins.mts`] = standIns;
    files[`nodenext/${pkg.dir}.stand-ins.cts`] = standIns;
    files[`bundler/${pkg.dir}.stand-ins.ts`] = standIns;
  }
  for (const [path, text] of Object.entries(files)) await writeFile(join(app, path), text);
  return true;
}

const COMPILER_OPTIONS = {
  strict: true,
  target: 'es2022',
  lib: ['es2023'],
  types: ['node'],
  skipLibCheck: false,
};

async function typeCheck(app, packages) {
  await writeFile(
    join(app, 'tsconfig.nodenext.json'),
    JSON.stringify({
      compilerOptions: {
        ...COMPILER_OPTIONS,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        rootDir: 'nodenext',
        outDir: 'out',
      },
      include: ['nodenext'],
    }),
  );
  await writeFile(
    join(app, 'tsconfig.bundler.json'),
    JSON.stringify({
      compilerOptions: {
        ...COMPILER_OPTIONS,
        module: 'esnext',
        moduleResolution: 'bundler',
        noEmit: true,
      },
      include: ['bundler'],
    }),
  );
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  const [nodenext, bundler] = await Promise.all(
    ['nodenext', 'bundler'].map((mode) =>
      run(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`, '--pretty', 'false'], {
        cwd: app,
      }),
    ),
  );
  const byPackage = new Map();
  const unattributed = [];
  for (const [mode, result] of [
    ['nodenext', nodenext],
    ['bundler', bundler],
  ]) {
    if (verbose && result.output.trim()) console.log(indent(result.output));
    // A diagnostic is a `file(line,col): error ...` line and the indented lines after it.
    for (const diagnostic of result.output.split(/\n(?=\S)/)) {
      if (diagnostic.trim() === '') continue;
      const example = /^(?:nodenext|bundler)\/([\w-]+)\./.exec(diagnostic);
      const published = /^node_modules\/(@keel\/[\w-]+)\//.exec(diagnostic);
      const pkg = packages.find(({ dir, name }) => dir === example?.[1] || name === published?.[1]);
      if (pkg === undefined) unattributed.push(`${mode}: ${diagnostic}`);
      else byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), `${mode}: ${diagnostic}`]);
    }
    if (result.code !== 0 && result.output.trim() === '')
      unattributed.push(`${mode}: tsc exited ${result.code}`);
  }
  for (const [pkg, diagnostics] of byPackage) {
    fail(
      `${pkg.name}: quick start or published types do not type-check`,
      [...new Set(diagnostics)].join('\n'),
    );
  }
  if (unattributed.length > 0) fail('tsc', unattributed.join('\n'));
}

/** A small docs folder, the retrieval example's `./docs`. */
async function writeDocs(cwd) {
  await mkdir(join(cwd, 'docs'), { recursive: true });
  await writeFile(
    join(cwd, 'docs', 'keys.md'),
    '# API keys\n\n## Rotate API keys\n\nCreate a new key, deploy it, then revoke the old key.\n',
  );
  await writeFile(
    join(cwd, 'docs', 'billing.md'),
    '# Billing\n\nInvoices are sent on the first day of each month.\n',
  );
}

async function runExamples(app, packages) {
  const testingUrl = pathToFileURL(join(app, 'node_modules/@keel/testing/dist/index.js'));
  const { startMockProvider } = await import(testingUrl.href);
  const mock = await startMockProvider();
  const env = {
    ...process.env,
    OPENAI_API_KEY: 'sk-pack-check',
    OPENAI_BASE_URL: mock.openaiBaseURL,
    ANTHROPIC_API_KEY: 'sk-ant-pack-check',
    ANTHROPIC_BASE_URL: mock.anthropicBaseURL,
    NODE_OPTIONS: '',
  };
  const guard = join(app, 'no-network.mjs');
  await copyFile(join(here, 'no-network.mjs'), guard);
  const jobs = packages.flatMap((pkg) => ['mjs', 'cjs'].map((extension) => ({ pkg, extension })));
  const results = [];
  const worker = async () => {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
      const { pkg, extension } = job;
      const cwd = join(app, 'runs', `${pkg.dir}-${extension}`);
      await mkdir(cwd, { recursive: true });
      await writeDocs(cwd);
      const since = performance.now();
      const file = join(app, 'out', `${pkg.dir}.${extension}`);
      const result = existsSync(file)
        ? await run(process.execPath, ['--import', pathToFileURL(guard).href, file], {
            cwd,
            env,
            timeoutMs: EXAMPLE_TIMEOUT_MS,
          })
        : { code: 1, output: `tsc emitted no ${relative(app, file)}` };
      results.push({ pkg, extension, ...result, time: seconds(since) });
    }
  };
  try {
    await Promise.all([worker(), worker()]);
  } finally {
    await mock.close();
  }
  for (const pkg of packages) {
    const line = [];
    for (const extension of ['mjs', 'cjs']) {
      const result = results.find((r) => r.pkg === pkg && r.extension === extension);
      if (result === undefined) continue;
      const label = extension === 'mjs' ? 'ESM' : 'CJS';
      if (result.code === 0) line.push(`${label} ok (${result.time})`);
      else fail(`${pkg.name}: quick start fails as ${label}`, result.output);
      if (verbose && result.output.trim()) console.log(indent(result.output));
    }
    if (line.length > 0) console.log(`  ${pkg.name}: ${line.join(', ')}`);
  }
}

async function main() {
  const packages = await publishedPackages();
  for (const pkg of packages) {
    if (!existsSync(join(root, 'packages', pkg.dir, 'dist'))) {
      throw new Error(`${pkg.name} has no dist/; run pnpm build first`);
    }
  }
  const work = await mkdtemp(join(tmpdir(), 'keel-pack-check-'));
  const tarballs = join(work, 'tarballs');
  const app = join(work, 'app');
  await mkdir(tarballs);
  await mkdir(join(app, 'nodenext'), { recursive: true });
  await mkdir(join(app, 'bundler'));
  console.log(`pack check in ${work}`);
  try {
    let since = performance.now();
    await packAll(packages, tarballs);
    console.log(`packed ${packages.length} packages (${seconds(since)})`);

    since = performance.now();
    await writeFile(
      join(app, 'package.json'),
      `${JSON.stringify(
        {
          name: 'keel-pack-check-app',
          private: true,
          description: 'An empty project outside the workspace',
          allowScripts: ALLOWED_INSTALL_SCRIPTS,
        },
        null,
        2,
      )}\n`,
    );
    const installed = await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        ...packages.map(({ tarball }) => tarball),
        ...(await workspaceVersions(CONSUMER_DEPENDENCIES)),
      ],
      { cwd: app, env: npmEnv() },
    );
    if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.output}`);
    console.log(`installed the tarballs with npm (${seconds(since)})`);

    since = performance.now();
    const written = [];
    for (const pkg of packages) if (await writeExample(pkg, app)) written.push(pkg);
    await typeCheck(app, written);
    console.log(`type-checked (nodenext ESM + CJS, bundler) (${seconds(since)})`);

    since = performance.now();
    await runExamples(app, written);
    console.log(`ran the quick starts (${seconds(since)})`);
  } finally {
    if (keep || failures.length > 0) console.log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`\npack check failed (${seconds(started)}):\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    console.log(`pack check passed (${seconds(started)})`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
