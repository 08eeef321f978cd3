// Exercises 01-03 hold to their index entries: the reference passes every scenario (VERIFIED),
// the stub fails (the quiet scenario among others), and each listed wrong answer fails with a
// listed kind. Modules are imported directly and explored in-process (no sandbox).
import * as path from 'node:path';
import { EXERCISES, ExerciseEntry } from '../../exercises/index';
import { scenariosFor, scenarioNames, subjectShape } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore } from '../../explorer/explore';
import type { Verdict } from '../../explorer/verdict';

const ROOT = path.resolve(__dirname, '..', '..');
const IDS = ['01-rmap-walk', '02-rcu-reader', '03-typesafe-lookup'];
const BUDGET = { maxExecutions: 50000 };

function entry(id: string): ExerciseEntry {
  const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id);
  if (e === undefined) throw new Error(`no exercise ${id} in the index`);
  return e;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
function load(file: string): Record<string, unknown> { return require(path.join(ROOT, file)) as Record<string, unknown>; }

function run(e: ExerciseEntry, mod: Record<string, unknown>): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const s of e.scenarios) {
    const sc = scenariosFor(e.kind, s.name);
    if (sc === undefined) throw new Error(`scenario ${s.name} of ${e.id} is not registered`);
    out.set(s.name, explore((o) => instantiate(sc, mod, o), BUDGET));
  }
  return out;
}

function summary(vs: Map<string, Verdict>): Record<string, string> {
  return Object.fromEntries([...vs].map(([n, v]) => [n, v.kind === 'BUG' ? `BUG ${v.failure.kind}` : v.kind]));
}

describe.each(IDS)('exercise %s', (id) => {
  const e = entry(id);

  test('the index entry is consistent with the registry and the files', () => {
    expect(e.exports).toEqual(subjectShape(e.kind));
    for (const s of e.scenarios) expect(scenarioNames(e.kind)).toContain(s.name);
    expect(e.scenarios.map((s) => s.name)).toContain('quiet');
    expect(e.hints.length).toBeGreaterThanOrEqual(3);
    expect(e.hints.length).toBeLessThanOrEqual(4);
    for (const file of [e.stub, e.solution, ...(e.variants ?? []).map((v) => v.file)]) {
      const mod = load(file);
      for (const name of e.exports) expect((mod[name] as { constructor?: { name?: string } } | undefined)?.constructor?.name).toBe('GeneratorFunction');
    }
    expect((e.variants ?? []).filter((v) => v.expect === 'fail').length).toBeGreaterThanOrEqual(2);
  });

  test('the reference solution passes every scenario (VERIFIED)', () => {
    const vs = run(e, load(e.solution));
    expect(summary(vs)).toEqual(Object.fromEntries(e.scenarios.map((s) => [s.name, 'VERIFIED'])));
  });

  test('the stub fails, the quiet scenario among others', () => {
    const vs = run(e, load(e.stub));
    expect(vs.get('quiet')?.kind).toBe('BUG');
    const score = e.scenarios.reduce((a, s) => a + (vs.get(s.name)?.kind === 'BUG' ? 0 : s.points), 0);
    const max = e.scenarios.reduce((a, s) => a + s.points, 0);
    expect(score).toBeLessThanOrEqual(max / 4);
  });

  for (const variant of entry(id).variants ?? []) {
    test(`${path.basename(variant.file)} is a ${variant.expect}${variant.kinds ? ` (${variant.kinds.join(' or ')})` : ''}`, () => {
      const vs = run(e, load(variant.file));
      const bugs = [...vs.values()].filter((v): v is Extract<Verdict, { kind: 'BUG' }> => v.kind === 'BUG');
      if (variant.expect === 'pass') { expect(summary(vs)).toEqual(Object.fromEntries(e.scenarios.map((s) => [s.name, 'VERIFIED']))); return; }
      expect(bugs.length).toBeGreaterThan(0);
      if (variant.kinds !== undefined) for (const b of bugs) expect(variant.kinds).toContain(b.failure.kind);
    });
  }
});
