// The dependency rules of conventions.md, enforced: every import specifier of every source
// file is compared with a table of allowed edges; no cycles; only cli/ (and bench/) touch the
// process's argv, environment, exit code or standard output.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const TOP = ['sim', 'explorer', 'trace', 'scenarios', 'grader', 'course', 'cli', 'exercises', 'solutions', 'bench'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

interface Edge { from: string; to: string; typeOnly: boolean }
function importsOf(file: string): Edge[] {
  const src = fs.readFileSync(file, 'utf8');
  const out: Edge[] = [];
  const re = /(?:^|\n)\s*(import\s+type|import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of src.matchAll(re)) {
    const spec = m[2] ?? m[3] ?? m[4];
    if (!spec.startsWith('.')) continue;
    const to = path.relative(ROOT, path.resolve(path.dirname(file), spec));
    out.push({ from: path.relative(ROOT, file), to, typeOnly: m[1] === 'import type' });
  }
  return out;
}

const area = (p: string): string => {
  const parts = p.split(path.sep);
  if (parts[0] === 'grader' && parts[1] === 'reporters') return 'grader/reporters';
  if (parts[0] === 'exercises' && parts[1] === 'index' || p === 'exercises/index') return 'exercises/index';
  return parts[0];
};

// area -> areas it may import at runtime (type-only imports are checked separately below)
const ALLOWED: Record<string, string[]> = {
  sim: ['sim'],
  explorer: ['explorer', 'sim'],
  trace: ['trace'],
  scenarios: ['scenarios', 'sim'],
  grader: ['grader', 'grader/reporters', 'explorer', 'trace', 'scenarios', 'sim', 'exercises/index'],
  'grader/reporters': ['grader/reporters', 'trace'],
  course: ['course', 'grader', 'grader/reporters', 'explorer', 'trace', 'scenarios', 'sim', 'exercises/index'],
  cli: ['cli', 'course', 'grader', 'grader/reporters', 'explorer', 'trace', 'scenarios', 'sim', 'exercises/index'],
  bench: ['bench', 'explorer', 'scenarios', 'sim', 'trace', 'grader', 'exercises/index', 'solutions'],
  'exercises/index': [],
  exercises: ['sim/api'],
  solutions: ['sim/api'],
};

const all = TOP.filter((d) => fs.existsSync(path.join(ROOT, d))).flatMap((d) => files(path.join(ROOT, d)));
const edges = all.flatMap(importsOf);

test('every import follows the allowed direction', () => {
  const bad: string[] = [];
  for (const e of edges) {
    const from = area(e.from), to = area(e.to);
    if (from === 'exercises' || from === 'solutions') {
      if (e.to.replace(/\.ts$/, '') !== path.join('sim', 'api')) bad.push(`${e.from} -> ${e.to} (content may import only sim/api)`);
      continue;
    }
    if (e.typeOnly && (to === 'sim' || to === 'explorer' || to === 'exercises/index' || to === 'grader')) continue;
    if (!(ALLOWED[from] ?? []).includes(to)) bad.push(`${e.from} -> ${e.to}`);
  }
  expect(bad).toEqual([]);
});

test('sim/api imports only sim/op, sim/handles, sim/layout', () => {
  const api = edges.filter((e) => e.from === path.join('sim', 'api.ts')).map((e) => e.to.replace(/\.ts$/, ''));
  for (const t of api) expect(['sim/op', 'sim/handles', 'sim/layout']).toContain(t);
});

test('there are no import cycles', () => {
  const norm = (p: string): string => p.replace(/\.ts$/, '').replace(/\/index$/, '/index');
  const graph = new Map<string, string[]>();
  for (const e of edges) if (!e.typeOnly) graph.set(norm(e.from), [...(graph.get(norm(e.from)) ?? []), norm(e.to)]);
  const state = new Map<string, number>();
  const cycles: string[] = [];
  const visit = (n: string, stack: string[]): void => {
    if (state.get(n) === 2) return;
    if (state.get(n) === 1) { cycles.push([...stack.slice(stack.indexOf(n)), n].join(' -> ')); return; }
    state.set(n, 1);
    for (const m of graph.get(n) ?? []) visit(m, [...stack, n]);
    state.set(n, 2);
  };
  for (const n of graph.keys()) visit(n, []);
  expect(cycles).toEqual([]);
});

test('only cli/ and bench/ read argv or the environment, set exit codes, or print', () => {
  const bad: string[] = [];
  for (const f of all) {
    const rel = path.relative(ROOT, f);
    if (rel.startsWith('cli') || rel.startsWith('bench')) continue;
    const src = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const pat of [/process\.argv/, /process\.env\b/, /process\.exit/, /console\.log\(/, /process\.stdout\.write/]) {
      if (pat.test(src)) bad.push(`${rel}: ${pat.source}`);
    }
  }
  expect(bad).toEqual([]);
});
