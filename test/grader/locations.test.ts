// A step's source line is where the target code wrote the call, whatever else the process has
// loaded. A host (jest, ts-node) installs a stack formatter that rewrites the lines of files it
// compiled itself, and Node hands a realm's errors to it unless the realm has its own
// (grader/sandbox/realm.ts). Before the realm had one, a screen's source line hung on whether
// the same process had also imported the target code: play 4 showed line 17 for line 25.
import { findPlay } from '../../course/play';
import { playMoves } from '../../course/playSession';
import * as rc2 from '../../solutions/05-page-lock-anon-vma/history/2.6.36-rc2';

const HANG = 'v1:0*5,1*12,0,2*19,0*7,2*20,3*4';

test('the host has compiled the target code itself, and the realm still shows its own lines', () => {
  expect(typeof rc2.page_lock_anon_vma).toBe('function'); // imported for real, not for types
  const out = playMoves(findPlay('4')!, HANG, { width: 80, height: 24, color: false });
  expect(out).toContain('│ 42 rcu_read_unlock   2.6.36-rc2.ts:25  yield* rcu_read_unlock();');
});
