// Validating a submission before it runs: readable, small, parses, imports only the student
// API, type-checks against it. Then transpiled to CommonJS with a source map, for the sandbox.
// Errors are one line a student can act on. Never executes the submission.
// Must never: import anything but fs, path and typescript (typecheck.ts runs this file in a
// worker of its own).
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

export interface Loaded { readonly file: string; readonly js: string; readonly map: string; readonly source: string }
export class SubmissionError extends Error {
  constructor(readonly kind: 'invalid-submission' | 'forbidden-import', message: string) { super(message); }
}

const ROOT = path.resolve(__dirname, '..');
const API = path.join(ROOT, 'sim', 'api.ts');
const MAX_BYTES = 200_000;

/** A diagnostic's message chain on one line: TypeScript indents each level of it. */
function oneLine(m: string | ts.DiagnosticMessageChain): string {
  return ts.flattenDiagnosticMessageText(m, '\n').split('\n').map((x) => x.trim()).filter((x) => x !== '').join(' ');
}

function loc(sf: ts.SourceFile, pos: number): string {
  const { line, character } = sf.getLineAndCharacterOfPosition(pos);
  return `${path.basename(sf.fileName)}:${line + 1}:${character + 1}`;
}

/** The import specifiers of a file, with where they are (static, dynamic and require). */
function imports(sf: ts.SourceFile): { spec: string; pos: number }[] {
  const out: { spec: string; pos: number }[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push({ spec: n.moduleSpecifier.text, pos: n.getStart(sf) });
    else if (ts.isImportEqualsDeclaration(n)) out.push({ spec: '<import = require>', pos: n.getStart(sf) });
    else if (ts.isImportTypeNode(n)) {
      // `typeof import('...')`: no code runs, but the type checker would read any file it names
      const a = n.argument;
      out.push({ spec: ts.isLiteralTypeNode(a) && ts.isStringLiteral(a.literal) ? a.literal.text : '<computed>', pos: n.getStart(sf) });
    }
    else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
      const a = n.arguments[0];
      out.push({ spec: a && ts.isStringLiteral(a) ? a.text : '<computed>', pos: n.getStart(sf) });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  // `/// <reference path|types="..." />` too
  for (const r of [...sf.referencedFiles, ...sf.typeReferenceDirectives, ...sf.libReferenceDirectives]) out.push({ spec: r.fileName, pos: r.pos });
  return out;
}

/** Whether `spec` names the student API: a relative path ending in sim/api, by name, wherever
 *  the file is. The sandbox gives every import the API and nothing else, and the type check
 *  resolves it to the real one; so a grade never depends on where the file sits (the stub's
 *  '../../sim/api' in a class folder, inside the repository or not, is the API). */
export function isApiSpecifier(spec: string): boolean {
  return spec.startsWith('.') && /(^|\/)sim\/api$/.test(path.posix.normalize(spec.replace(/\\/g, '/')));
}

const OPTIONS: ts.CompilerOptions = {
  strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true,
  skipLibCheck: true, noEmit: true, types: [], lib: ['lib.es2022.d.ts'],
};

/** Parsed (and bound) lib and API files, shared by every type check in this process: a check
 *  then costs the submission's own parse and check, not TypeScript's libraries again. */
const shared = new Map<string, { text: string; sf: ts.SourceFile }>();
const baseHost = ts.createCompilerHost(OPTIONS, true);
const host: ts.CompilerHost = {
  ...baseHost,
  getSourceFile(fileName, languageVersion, onError) {
    const f = path.resolve(fileName);
    const isLib = f.startsWith(path.dirname(ts.getDefaultLibFilePath(OPTIONS)) + path.sep);
    if (!isLib && path.dirname(f) !== path.dirname(API)) return baseHost.getSourceFile(fileName, languageVersion, onError);
    const hit = shared.get(f);
    if (hit !== undefined && isLib) return hit.sf;
    const text = baseHost.readFile(f);
    if (text === undefined) return undefined;
    if (hit !== undefined && hit.text === text) return hit.sf;
    const sf = ts.createSourceFile(f, text, languageVersion, true);
    shared.set(f, { text, sf });
    return sf;
  },
  resolveModuleNameLiterals(literals, containingFile) {
    return literals.map((lit) => {
      if (isApiSpecifier(lit.text)) return { resolvedModule: { resolvedFileName: API, extension: ts.Extension.Ts, isExternalLibraryImport: false } };
      return ts.resolveModuleName(lit.text, containingFile, OPTIONS, baseHost);
    });
  },
};

/** A call of a generator function (an API call, or the student's own helper) that is never
 *  run: a statement of its own (`spin_lock(l);` makes the generator and drops it, and nothing
 *  happens), or a truth value (`if (page_mapped(page))` tests the generator object, which is
 *  always true). TypeScript accepts both, and the run then fails somewhere that does not point
 *  at the line. The first such call, as a one-line error, or undefined. */
function unrunCall(program: ts.Program, sf: ts.SourceFile): string | undefined {
  const checker = program.getTypeChecker();
  const strip = (e: ts.Expression): ts.Expression => (ts.isParenthesizedExpression(e) ? strip(e.expression) : e);
  /** `e` as a generator-making call: its callee's text, or undefined. */
  const genCall = (e: ts.Expression | undefined): string | undefined => {
    if (e === undefined) return undefined;
    const c = strip(e);
    if (!ts.isCallExpression(c) || checker.getTypeAtLocation(c).getSymbol()?.getName() !== 'Generator') return undefined;
    const callee = c.expression.getText(sf);
    return callee.length <= 40 ? callee : `${callee.slice(0, 39)}…`;
  };
  let found: string | undefined;
  const visit = (n: ts.Node): void => {
    if (found !== undefined) return;
    const at = (x: ts.Node): string => loc(sf, x.getStart(sf));
    if (ts.isExpressionStatement(n)) {
      const call = genCall(n.expression);
      if (call !== undefined) { found = `${at(n)}: \`${call}(...)\` alone does nothing (it makes the call's generator and drops it): write \`yield* ${call}(...)\` to run it`; return; }
    }
    const tested: (ts.Expression | undefined)[] = [];
    if (ts.isIfStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n)) tested.push(n.expression);
    else if (ts.isForStatement(n)) tested.push(n.condition);
    else if (ts.isConditionalExpression(n)) tested.push(n.condition);
    else if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken) tested.push(n.operand);
    else if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || n.operatorToken.kind === ts.SyntaxKind.BarBarToken)) tested.push(n.left, n.right);
    for (const e of tested) {
      const call = genCall(e);
      if (call !== undefined) { found = `${at(e!)}: \`${call}(...)\` here is the call's generator, which is always true: write \`(yield* ${call}(...))\` to test its answer`; return; }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** Type-check the submission against the API: the first error as one line, or undefined. The
 *  grader runs it in a worker with limits (typecheck.ts): the checker's work has no bound. */
export function typeCheck(file: string): string | undefined {
  const program = ts.createProgram([file], OPTIONS, host);
  const sf = program.getSourceFile(file)!;
  const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
  const d = diags[0];
  if (d === undefined) return unrunCall(program, sf);
  const where = d.file && d.start !== undefined ? loc(d.file, d.start) : path.basename(file);
  const text = oneLine(d.messageText);
  // The commonest slip: `yield spin_lock(l)` for `yield* spin_lock(l)`. TypeScript's words
  // for it (a Generator is not an Op) do not say what to write.
  if (/^Type 'Generator<Op\b[^']*' is missing the following properties from type 'Op'/.test(text)) {
    const src = d.file && d.start !== undefined ? d.file.text.slice(d.start, d.start + (d.length ?? 0)) : '';
    const call = /^([A-Za-z_$][\w$]*)\s*\(/.exec(src)?.[1];
    if (call !== undefined) return `${where}: type error: \`yield ${call}(...)\` yields the call itself; write \`yield* ${call}(...)\` to run it`;
  }
  // Node's globals: TypeScript suggests installing their types, which would not make them exist
  const global = /^Cannot find name '(console|process|require|module|Buffer|global|setTimeout|setInterval|setImmediate|__dirname|__filename)'/.exec(text)?.[1];
  if (global !== undefined) {
    return `${where}: type error: \`${global}\` does not exist in a submission (it runs in a sandbox with the kernel API alone; the grader's trace shows what your code did)`;
  }
  return `${where}: type error: ${text.slice(0, 200)}`;
}

export function loadSubmission(file: string, opts: { typeCheck?: boolean } = {}): Loaded {
  try {
    return load(file, opts);
  } catch (e) {
    // TypeScript's parser, checker and emitter recurse over the syntax tree: 60,000 nested
    // brackets, or 30,000 terms of one sum, exhaust the stack
    if (e instanceof RangeError) throw new SubmissionError('invalid-submission', `${path.basename(file)}: the code is nested too deeply for the grader to read (an expression or block thousands of levels deep)`);
    throw e;
  }
}

function load(file: string, opts: { typeCheck?: boolean }): Loaded {
  const abs = path.resolve(file);
  let stat: fs.Stats;
  try { stat = fs.statSync(abs); } catch { throw new SubmissionError('invalid-submission', `cannot read ${file}: no such file`); }
  if (!stat.isFile()) throw new SubmissionError('invalid-submission', `${file} is not a file`);
  if (stat.size > MAX_BYTES) throw new SubmissionError('invalid-submission', `${file} is ${stat.size} bytes; a submission may be at most ${MAX_BYTES}`);
  const source = fs.readFileSync(abs, 'utf8');
  const sf = ts.createSourceFile(abs, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const syntax = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (syntax.length > 0) {
    const d = syntax[0];
    throw new SubmissionError('invalid-submission', `${loc(sf, d.start)}: syntax error: ${oneLine(d.messageText)}`);
  }
  for (const im of imports(sf)) {
    if (!isApiSpecifier(im.spec)) {
      throw new SubmissionError('forbidden-import', `${loc(sf, im.pos)}: a submission may import only the student API (sim/api), not "${im.spec}"`);
    }
  }
  if (opts.typeCheck !== false) {
    const err = typeCheck(abs);
    if (err !== undefined) throw new SubmissionError('invalid-submission', err);
  }
  const out = ts.transpileModule(source, {
    fileName: abs,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, sourceMap: true, esModuleInterop: false },
  });
  return { file: abs, js: out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map: out.sourceMapText ?? '', source };
}
