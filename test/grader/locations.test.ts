// A step's source line is where the target code wrote the call, whatever else the process has
// loaded. A host (jest, ts-node) installs a stack formatter that rewrites the lines of files it
// compiled itself, and Node hands a realm's errors to it unless the realm has its own
// (grader/sandbox/realm.ts). Before the realm had one, a screen's source line hung on whether
// the same process had also imported the target code: play 4 showed line 17 for line 25.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findPlay } from '../../course/play';
import { findExercise } from '../../exercises/index';
import { gradeFile } from '../../grader/grade';
import { renderText } from '../../grader/reporters/text';
import { playMoves } from '../../course/playSession';
import * as rc2 from '../../solutions/05-page-lock-anon-vma/history/2.6.36-rc2';

const HANG = 'v1:0*5,1*12,0,2*19,0*7,2*20,3*4';

test('the host has compiled the target code itself, and the realm still shows its own lines', () => {
  expect(typeof rc2.page_lock_anon_vma).toBe('function'); // imported for real, not for types
  const out = playMoves(findPlay('4')!, HANG, { width: 80, height: 24, color: false });
  expect(out).toContain('│ 42 rcu_read_unlock   2.6.36-rc2.ts:25  yield* rcu_read_unlock();');
});

test("exercise 06: a helper's steps say where the student's code called it (the refcount ledger's copy of each op kept only its line)", async () => {
  const file = path.join(__dirname, '..', 'fixtures', 'submissions', '06-page-get-anon-vma', 'put-in-rcu.ts');
  const r = await gradeFile(findExercise('06')!, file, { typeCheck: false });
  const src = fs.readFileSync(file, 'utf8').split('\n');
  const text = renderText(r, { source: (f, line) => (f === file ? src[line - 1] : undefined) });
  // put_anon_vma's steps, called at line 31 inside page_get_anon_vma's read-side section
  expect(text).toContain('called from put-in-rcu.ts:31  yield* put_anon_vma(anon_vma);');
}, 60_000);
