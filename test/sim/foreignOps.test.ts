// An op that the machine's own API did not make (a submission's realm, or a forged object) is
// copied field by field: its name loses control characters (reports keep one-line messages),
// and a long location keeps its end, the file's name and line, marked '…' where it was cut.
import { Machine } from '../../sim/machine';
import type { Kernel } from '../../sim/api';

function pendingOf(op: Record<string, unknown>): { n?: string; loc?: string; k: string } {
  const m = new Machine();
  function* t(): Kernel<void> { yield op as never; }
  m.spawn('t', t());
  return m.threads[0].pending as unknown as { n?: string; loc?: string; k: string };
}

test('a foreign op\'s name is one printable line, in its own order', () => {
  const p = pendingOf({ k: 'rcu_read_lock', a: 0, v: 0, n: 'rcu\nread\u0007lock\u2028!\u202ecba' });
  expect(p.k).toBe('rcu_read_lock');
  expect(p.n).toBe('rcu read lock ! cba'); // (U+202E would show "abc")
});

test('a foreign op\'s long location keeps its end', () => {
  const file = `/home/st/${'d'.repeat(400)}/answer.ts`;
  const p = pendingOf({ k: 'rcu_read_lock', a: 0, v: 0, loc: `${file}:6` });
  expect(p.loc!.startsWith('…')).toBe(true);
  expect(p.loc!.length).toBe(300);
  expect(`${file}:6`.endsWith(p.loc!.slice(1))).toBe(true);
  expect(pendingOf({ k: 'rcu_read_lock', a: 0, v: 0, loc: '/a/b.ts:6' }).loc).toBe('/a/b.ts:6');
});
