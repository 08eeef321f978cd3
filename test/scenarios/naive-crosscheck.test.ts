// The exercise scenarios small enough to enumerate without reduction: naive search (every
// schedule) and the explorer agree on whether each submission has a bug — the reference and
// every wrong answer of exercises 02 and 03.
import * as path from 'node:path';
import { EXERCISES, ExerciseEntry } from '../../exercises/index';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore } from '../../explorer/explore';
import { naive } from '../../explorer/naive';

const ROOT = path.resolve(__dirname, '..', '..');
const SMALL: Record<string, string[]> = { '02-rcu-reader': ['exit'], '03-typesafe-lookup': ['remove', 'reuse'] };

for (const [id, names] of Object.entries(SMALL)) {
  const e = (EXERCISES as readonly ExerciseEntry[]).find((x) => x.id === id)!;
  const files = [e.solution, e.stub, ...(e.variants ?? []).map((v) => v.file)];
  test.each(names)(`${id} %s: naive enumeration and the explorer agree on every submission`, (name) => {
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const file of files) {
      const mod = require(path.join(ROOT, file)) as Record<string, unknown>;
      const sc = scenariosFor(e.kind, name)!;
      const f = (o: Parameters<typeof instantiate>[2]) => instantiate(sc, mod, o);
      const n = naive(f, 100000, undefined, true);
      expect(n.complete).toBe(true);
      want[file] = n.failingSchedules.length > 0 ? 'BUG' : 'none';
      got[file] = explore(f, { maxExecutions: 100000 }).kind === 'BUG' ? 'BUG' : 'none';
    }
    expect(got).toEqual(want);
  });
}
