/**
 * The API snapshot: every entry point a package exports (read from its `package.json`), the
 * names each one exports and their kinds, written to `api.md` beside `package.json` and compared
 * by a test, so the public surface changes only on purpose.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';

/** @type {import('./index.d.ts').apiEntries} */
export function apiEntries(packageDir) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return Object.entries(manifest.exports ?? {})
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => {
      const built = builtFile(target);
      const match = /^\.\/dist\/(.+)\.(?:js|mjs|cjs)$/.exec(built ?? '');
      if (!match) {
        throw new Error(
          `${manifest.name}: cannot tell which source file builds the "${subpath}" export (${built}); expected ./dist/<name>.js built from src/<name>.ts`,
        );
      }
      const source = join(packageDir, 'src', `${match[1]}.ts`);
      if (!existsSync(source)) {
        throw new Error(`${manifest.name}: the "${subpath}" export has no source file ${source}`);
      }
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      return { subpath, specifier, source };
    });
}

/** The runtime file an `exports` target points at, ESM first. */
function builtFile(target) {
  if (typeof target === 'string') return target;
  const branch = target.import ?? target.default ?? target.require;
  return typeof branch === 'string' ? branch : branch?.default;
}

/** @type {import('./index.d.ts').listExports} */
export function listExports(source) {
  const options = { ...compilerOptions(source), noLib: true, types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  // Only the package's own sources decide what it exports and of which kind; every other file
  // (libraries, dependencies' types) is read as empty, which keeps the check fast.
  const sourceDir = `${dirname(source)}/`;
  const readSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName.startsWith(sourceDir)
      ? readSourceFile(fileName, languageVersion, ...rest)
      : ts.createSourceFile(fileName, '', languageVersion);
  const program = ts.createProgram({ rootNames: [source], options, host });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(source);
  const module = file && checker.getSymbolAtLocation(file);
  if (!module) return [];
  return checker
    .getExportsOfModule(module)
    .map((symbol) => ({ name: symbol.name, kind: kindOf(checker, symbol) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The compiler options of the nearest `tsconfig.json` above `source`. */
function compilerOptions(source) {
  const configPath = ts.findConfigFile(dirname(source), ts.sys.fileExists);
  if (!configPath) return { moduleResolution: ts.ModuleResolutionKind.Bundler };
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
  return parsed.options;
}

function kindOf(checker, symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const kinds = [];
  const { flags } = target;
  if (flags & ts.SymbolFlags.Class) kinds.push('class');
  else if (flags & ts.SymbolFlags.Function) kinds.push('function');
  else if (flags & ts.SymbolFlags.Variable) kinds.push(variableKind(target));
  if (flags & ts.SymbolFlags.Enum) kinds.push('enum');
  if (flags & ts.SymbolFlags.ValueModule) kinds.push('namespace');
  if (flags & ts.SymbolFlags.Interface && !(flags & ts.SymbolFlags.Class)) kinds.push('interface');
  if (flags & ts.SymbolFlags.TypeAlias) kinds.push('type');
  const kind = kinds.join('+') || 'unknown';
  const hasValue = (flags & ts.SymbolFlags.Value) !== 0;
  return hasValue && isTypeOnlyExport(symbol) ? `type-only ${kind}` : kind;
}

function variableKind(symbol) {
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (!declaration) return 'const';
  const flags = ts.getCombinedNodeFlags(declaration);
  if (flags & ts.NodeFlags.Const) return 'const';
  return flags & ts.NodeFlags.Let ? 'let' : 'var';
}

function isTypeOnlyExport(symbol) {
  return (symbol.declarations ?? []).some(
    (declaration) =>
      ts.isExportSpecifier(declaration) &&
      (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly),
  );
}

/** @type {import('./index.d.ts').apiReport} */
export function apiReport(packageDir) {
  const entries = apiEntries(packageDir);
  const name = entries[0]?.specifier ?? 'this package';
  const lines = [
    `# API of ${name}`,
    '',
    'Generated and checked by `src/api.test.ts`: every name each entry point exports, and its kind.',
    'A test fails when the surface changes; to change it on purpose, update this file with',
    `\`${updateCommand(packageDir)}\`, and add a changeset.`,
  ];
  for (const entry of entries) {
    const exports = listExports(entry.source);
    lines.push(
      '',
      `## \`${entry.specifier}\` (${relative(packageDir, entry.source).replaceAll('\\', '/')}, ${exports.length} exports)`,
      '',
      ...exports.map(({ name: exported, kind }) => `- \`${exported}\`: ${kind}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function packageName(packageDir) {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).name;
}

function updateCommand(packageDir) {
  return `pnpm --filter ${packageName(packageDir)} exec vitest run src/api.test.ts -u`;
}

/** @type {import('./index.d.ts').testApiSnapshot} */
export function testApiSnapshot(packageDir) {
  const directory = packageDir instanceof URL ? fileURLToPath(packageDir) : packageDir;
  const snapshot = join(directory, 'api.md');
  test(`the exports of ${packageName(directory)} match api.md`, async () => {
    const report = apiReport(directory);
    try {
      await expect(report).toMatchFileSnapshot(snapshot);
    } catch (error) {
      if (error instanceof Error) {
        error.message = [
          `The public API of ${packageName(directory)} changed: its exports no longer match ${relative(process.cwd(), snapshot) || snapshot}.`,
          'If the change is deliberate, update the snapshot and add a changeset for what users notice:',
          `  ${updateCommand(directory)}`,
          'Otherwise, restore the export (or keep the helper out of src/index.ts).',
          '',
          error.message,
        ].join('\n');
      }
      throw error;
    }
  }, 60_000);
}
