// MachineOptions.onStep, as the grader's diagnosis uses it to keep the schedule that reached a
// loop: across a whole DPOR search (machines kept and rewound, threads remade, threads taken
// from fresh builds of the scenario), the steps it was told, by number, are each execution's
// schedule; a build's own setup steps are never told.
import { dpor } from '../../explorer/dpor';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { Kernel, Page, rcu_read_lock, rcu_read_unlock, page_mapped, kfree_rcu, kmem_cache_alloc, obj_cachep } from '../../sim/api';

// A reader that queues an RCU callback first, so that the RCU thread has work, and the search
// takes threads from fresh builds of the scenario (its setup ran steps).
function* anon_vma_places(page: Page): Kernel<number> {
  const o = yield* kmem_cache_alloc(obj_cachep);
  yield* kfree_rcu(o);
  yield* rcu_read_lock();
  yield* page_mapped(page);
  yield* rcu_read_unlock();
  yield* rcu_read_lock();
  yield* rcu_read_unlock();
  return -1;
}

// Without the memo every rebuilt thread that ran setup steps comes from a fresh build; with it
// (the default) threads are put back at their states and rarely started over.
test.each([false, true])('the steps onStep is told are each execution\'s schedule, restored prefix included (memo: %s)', (memo) => {
  const sc = scenariosFor('rcu-reader', 'unmapped')!;
  const told: number[] = [];
  let builds = 0, checked = 0, setup = 0;
  const r = dpor((o) => {
    builds++;
    const m = instantiate(sc, { anon_vma_places } as never, { ...o, onStep: (tid, i) => { told[i] = tid; told.length = i + 1; } });
    setup += m.now; // the build's own steps: none of them told (the search has not begun)
    return m;
  }, { stopOnBug: false, memo, onExecution: (evs) => {
    expect(told).toEqual(evs.map((e) => e.tid));
    checked++;
  } });
  expect(r.complete).toBe(true);
  expect([setup > 0, checked]).toEqual([true, r.executions]);
  if (!memo) expect(builds).toBeGreaterThan(1);
});
