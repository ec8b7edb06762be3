/**
 * README examples as tests: finds the code blocks a README marks as examples, splits one into
 * its imports and its statements, and runs one with the modules and stand-ins a test gives it.
 * One extractor for the packages' README tests and for the pack check (tooling/pack-check).
 *
 * A README marks a block with an HTML comment on the line before its fence, which renders as
 * nothing on GitHub and npm:
 *
 *     <!-- example: quick-start -->
 *     ```ts
 *     ...
 *     ```
 *
 * Names are kebab-case and unique per README. Every package README has a `quick-start`.
 */
import ts from 'typescript';

const MARKER = /^<!--\s*example:\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*-->\s*$/;
const LOOSE_MARKER = /^<!--\s*example\b/;
const FENCE = /^(`{3,})\s*([\w-]*)\s*$/;

/**
 * Every marked example of a README, in order.
 *
 * @param {string} markdown
 * @returns {{ name: string, lang: string, code: string, line: number }[]}
 */
export function readmeExamples(markdown) {
  const lines = markdown.split(/\r?\n/);
  const examples = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    if (!LOOSE_MARKER.test(text)) continue;
    const marker = MARKER.exec(text);
    if (marker === null) {
      throw new Error(
        `README line ${i + 1}: "${text}" is not a valid example marker; write <!-- example: kebab-case-name -->`,
      );
    }
    const name = marker[1] ?? '';
    let start = i + 1;
    while (start < lines.length && (lines[start] ?? '').trim() === '') start++;
    const fence = FENCE.exec(lines[start] ?? '');
    if (fence === null) {
      throw new Error(
        `README line ${i + 1}: the example marker "${name}" must be followed by a fenced code block`,
      );
    }
    const close = fence[1] ?? '```';
    let end = start + 1;
    while (end < lines.length && (lines[end] ?? '').trim() !== close) end++;
    if (end >= lines.length) {
      throw new Error(
        `README line ${start + 1}: the code block of example "${name}" is not closed`,
      );
    }
    if (examples.some((example) => example.name === name)) {
      throw new Error(`README line ${i + 1}: the example name "${name}" is used twice`);
    }
    examples.push({
      name,
      lang: fence[2] ?? '',
      code: `${lines.slice(start + 1, end).join('\n')}\n`,
      line: start + 2,
    });
    i = end;
  }
  return examples;
}

/**
 * The code of one marked example.
 *
 * @param {string} markdown
 * @param {string} name
 * @returns {string}
 */
export function readmeExample(markdown, name) {
  const examples = readmeExamples(markdown);
  const example = examples.find((candidate) => candidate.name === name);
  if (example === undefined) {
    const names = examples.map((candidate) => candidate.name).join(', ') || 'none';
    throw new Error(
      `The README has no example "${name}" (marked: ${names}); put <!-- example: ${name} --> on the line before its code block`,
    );
  }
  return example.code;
}

function bindingNames(name, names) {
  if (ts.isIdentifier(name)) {
    names.push(name.text);
    return;
  }
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) bindingNames(element.name, names);
  }
}

function hasExport(statement) {
  return (
    ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/**
 * An example's top-level structure: its import declarations, its other statements (with any
 * `export` keyword removed, so they can run inside a function), the names it declares and
 * which of them it exports.
 *
 * @param {string} code TypeScript or JavaScript
 * @param {{ fileName?: string }} [options]
 */
export function splitExample(code, { fileName = 'example.ts' } = {}) {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const imports = [];
  const statements = [];
  const declared = [];
  const exported = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const named = [];
      let namespace;
      if (clause?.namedBindings !== undefined) {
        if (ts.isNamespaceImport(clause.namedBindings)) namespace = clause.namedBindings.name.text;
        else {
          for (const element of clause.namedBindings.elements) {
            named.push({
              imported: (element.propertyName ?? element.name).text,
              local: element.name.text,
              typeOnly: element.isTypeOnly,
            });
          }
        }
      }
      imports.push({
        source: statement.getText(file),
        module: /** @type {ts.StringLiteral} */ (statement.moduleSpecifier).text,
        typeOnly: clause?.isTypeOnly ?? false,
        defaultName: clause?.name?.text,
        namespace,
        named,
      });
      continue;
    }
    if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier === undefined &&
      statement.exportClause !== undefined &&
      ts.isNamedExports(statement.exportClause) &&
      statement.exportClause.elements.length === 0
    ) {
      continue; // `export {};`, which the compiler adds to keep a file a module
    }
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      throw new Error(
        `A README example cannot run "${statement.getText(file)}"; export declarations inline (export function f() {})`,
      );
    }
    let text = statement.getText(file);
    if (hasExport(statement)) {
      const exportKeyword = (ts.getModifiers(statement) ?? []).find(
        (m) => m.kind === ts.SyntaxKind.ExportKeyword,
      );
      text = `${code.slice(statement.getStart(file), exportKeyword?.getStart(file))}${code
        .slice(exportKeyword?.getEnd(), statement.getEnd())
        .trimStart()}`;
    }
    statements.push(text);
    const names = [];
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        bindingNames(declaration.name, names);
      }
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.push(statement.name.text);
    }
    declared.push(...names);
    if (hasExport(statement)) exported.push(...names);
  }
  return { imports, statements, declared, exported };
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

function moduleLookup(modules) {
  return function lookup(specifier, names) {
    if (!Object.hasOwn(modules, specifier)) {
      throw new Error(
        `The README example imports "${specifier}"; pass it to runExample in modules: { '${specifier}': ... }`,
      );
    }
    const module = modules[specifier];
    for (const name of names) {
      if (!(name in module)) {
        throw new Error(
          `The README example imports "${name}" from "${specifier}", which does not export it`,
        );
      }
    }
    return module;
  };
}

/**
 * Runs a TypeScript example: types are stripped, each import is read from `modules` (a missing
 * module or name is an error that says so), the names in `scope` are in scope as stand-ins for
 * the reader's own values, and top-level `await` works. Resolves to the top-level bindings the
 * example declares, so a test can call and inspect them.
 *
 * @param {string} code
 * @param {{ modules?: Record<string, object>, scope?: Record<string, unknown> }} [options]
 * @returns {Promise<Record<string, unknown>>}
 */
export async function runExample(code, { modules = {}, scope = {} } = {}) {
  const { outputText } = ts.transpileModule(code, {
    fileName: 'example.ts',
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  const { imports, statements, declared } = splitExample(outputText, { fileName: 'example.js' });
  const clash = declared.find((name) => Object.hasOwn(scope, name));
  if (clash !== undefined) {
    throw new Error(`The README example declares "${clash}" itself; do not pass it in scope`);
  }
  const lines = imports.map(({ module, defaultName, namespace, named }) => {
    const names = named.map(({ imported }) => imported);
    if (defaultName !== undefined) names.push('default');
    const target = `__lookup(${JSON.stringify(module)}, ${JSON.stringify(names)})`;
    const bindings = named.map(({ imported, local }) =>
      imported === local ? local : `${imported}: ${local}`,
    );
    if (defaultName !== undefined) bindings.push(`default: ${defaultName}`);
    if (namespace !== undefined) return `const ${namespace} = ${target};`;
    return bindings.length > 0 ? `const { ${bindings.join(', ')} } = ${target};` : `${target};`;
  });
  const body = [...lines, ...statements, `return { ${declared.join(', ')} };`].join('\n');
  const run = new AsyncFunction('__lookup', ...Object.keys(scope), body);
  return run(moduleLookup(modules), ...Object.values(scope));
}
