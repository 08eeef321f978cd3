// Lesson 8 demos (the pattern elsewhere, and the kernel's checkers).
//  sighand-retry:      the sender read a sighand that exec replaced, its last user freed and a
//                      fork reallocated; it locks it, sees tsk->sighand changed, unlocks, retries.
//  sighand-no-recheck: the same interleaving without the re-check: it returns pid 3's sighand.
//  rc2-checkers:       the 2.6.36-rc2 hang through the course's checker, sorted by which kernel
//                      tool would have said what.
import type { DemoOptions } from '../demoKit';
import { BUDGET, factoryOf, fitWidth, page, phases, recordRun, replaying, verdictLine, wrap } from '../demoKit';
import { explore } from '../../explorer/explore';
import { decode } from '../../explorer/schedule';
import { timeline } from '../../trace/timeline';
import type { Run } from '../demoKit';
import { SIGHAND, execReuse } from '../../scenarios/sighand';
import { scenariosFor } from '../../scenarios/registry';
import { sighandLocker, rc2 } from '../../scenarios/demos/elsewhere';

/** kill reads tsk->sighand (2 steps); exec replaces it; pid 2 exits (the old one is freed); a
 *  fork reallocates the slot; then kill goes on. */
function reuseRun(recheck: boolean): Run {
  const sc = execReuse();
  return recordRun(sc.name, factoryOf(sc, sighandLocker(recheck)), phases([{ tid: 0, n: 2 }, { tid: 1, n: 1000 }, { tid: 2, n: 1000 }, { tid: 3, n: 1000 }, { tid: 0, n: 1000 }]));
}

function keep(r: Run): Run['trace']['events'] {
  return r.trace.events.filter((e) => e.tid === 0 || /alloc|kmem_cache_free|\.sighand|\.owner/.test(`${e.name} ${e.obj}`));
}

function sighandRetry(o: DemoOptions): string {
  const r = reuseRun(true);
  const locks = r.trace.events.filter((e) => e.tid === 0 && e.name === 'spin_lock').map((e) => e.obj.split(' ')[0]);
  const verdicts = Object.values(SIGHAND).map((f) => { const sc = f(); return [sc.name, explore(factoryOf(sc, sighandLocker(true)), BUDGET)] as const; });
  const all = verdicts.every(([, v]) => v.kind === 'VERIFIED');
  const contractAt = r.trace.events.find((e) => e.name === 'check: contract')?.i ?? Infinity;
  return page(o,
    `The sender locked ${locks[0] ?? '?'} — by then pid 3's — saw that tsk->sighand had changed, unlocked, and retried: `
    + `it returns ${locks[1] ?? '?'} locked. ${all ? `VERIFIED on all ${verdicts.length} scenarios` : 'Not verified everywhere (unexpected)'}.`,
    [timeline({ ...r.trace, events: keep(r).filter((e) => e.i <= contractAt) }, o),
      wrap(`Executions, covering every interleaving class: ${verdicts.map(([n, v]) => `${n} ${v.kind === 'VERIFIED' ? v.classes : v.kind}`).join(', ')}.`, o.width)],
    'Between the sender\'s read of tsk->sighand and its spin_lock(): exec gave the task a private copy (under the old siglock), pid 2 — the last '
    + 'user of the old one — exited and freed it, and a fork got the same slot back as pid 3\'s handlers, siglock and all (the constructor\'s '
    + 'lock is never reset). The lock pinned *a* sighand; the re-check under it said whose.');
}

function sighandNoRecheck(o: DemoOptions): string {
  const r = reuseRun(false);
  const f = r.trace.failure;
  const upTo = f?.step ?? Infinity;
  const v = explore(factoryOf(SIGHAND.reuse(), sighandLocker(false)), BUDGET);
  return page(o,
    `${f?.kind === 'contract' ? 'BUG: contract violation' : `Unexpected: ${f?.kind ?? 'no failure'}`}: without the re-check the sender returns pid 3's sighand, locked. `
    + `On the reuse scenario: ${verdictLine(v)}.`,
    [timeline({ ...r.trace, events: keep(r).filter((e) => e.i <= upTo) }, o), fitWidth(f?.report ?? '', o.width)],
    'The same interleaving as before, one line missing. The sender would now deliver a signal using another process\'s handlers, and its '
    + 'unlock_task_sighand() reads tsk->sighand again: it would release the task\'s new siglock, which it never took, and leave pid 3\'s held '
    + 'for ever — the 2.6.36-rc2 bug, in the signal code.');
}

function rc2Checkers(o: DemoOptions): string {
  const sc = scenariosFor('page-lock', 'seed')!;
  const f = factoryOf(sc, rc2);
  const v = explore(f, BUDGET);
  if (v.kind !== 'BUG') return page(o, `${verdictLine(v)} (expected the hang)`, [], '');
  const r = recordRun(sc.name, f, replaying(decode(v.schedule)));
  const fs = r.trace.failures;
  const first = (kind: string): string | undefined => fs.find((x) => x.kind === kind)?.report.split('\n').filter((l) => !/^[=-]+$/.test(l))[0];
  const rows: [string, string][] = [
    ['lockdep', first('bad-unlock') ?? 'no report'],
    ['lockup watchdog', first('hang') ?? 'no report'],
    ['KASAN', first('use-after-free') ?? 'no report: every access hit a live anon_vma, or a type-safe one inside RCU'],
    ['PROVE_RCU', first('rcu-imbalance') ?? first('sleep-in-atomic') ?? 'no report: every read of ->root was inside rcu_read_lock()'],
  ];
  const w = Math.max(...rows.map(([a]) => a.length)) + 2;
  const table = rows.map(([a, b]) => wrap(b, o.width - w).split('\n').map((l, i) => `${(i === 0 ? a : '').padEnd(w)}${l}`).join('\n')).join('\n');
  return page(o,
    `2.6.36-rc2 on the seed: ${verdictLine(v)}, ${v.preemptions} preemption${v.preemptions === 1 ? '' : 's'}. What each kernel checker would have said on that run:`,
    [table],
    'The bug is logical, not a memory error: RCU and the type-safe cache kept every pointer pointing at an anon_vma. Only the lock bookkeeping '
    + 'sees it, and only on a run that hits the window; a model checker goes looking for that run instead of waiting for it.');
}

export const ELSEWHERE_DEMOS: Readonly<Record<string, (o: DemoOptions) => string>> = {
  'sighand-retry': sighandRetry,
  'sighand-no-recheck': sighandNoRecheck,
  'rc2-checkers': rc2Checkers,
};
