// Exercise 01's caller: reclaim-style code that walks a page's reverse map in a quiet world.
// It calls the subject's rmap_walk_anon() with an rmap_one() callback, then page_anon_vma().
// Checks (probe steps, so they are atomic and visible to the explorer):
//  - rmap_one(vma) is called only for vmas on the page's anon_vma list, each once, and only
//    while the thread holds that anon_vma's *root* lock (2.6.36: anon_vma_lock locks the root);
//  - the walk visits every vma on the list and returns how many it visited; it visits nothing
//    and returns 0 for a page that is not anonymous or not mapped;
//  - page_anon_vma(page) returns the page's anon_vma when the page is anonymous and mapped,
//    and NULL otherwise.
// Locks left held and use of freed memory are the machine's own reports.
// What rmap_one()'s check learns (the vmas visited, a failure) is kept in the machine's ghost
// state, not in this generator: its answer would reach the harness through the submission's
// code, which could forge it (and a thread rebuilt from its answers runs no probe again).
import type { AnonVma, Kernel, Page, Vma } from '../sim/api';
import { probe, probeOp, Machine } from '../sim/machine';
import { handleAt } from '../sim/handles';
import { report } from '../sim/reports';
import { addrOf, shown } from './util';

export interface RmapWalkSubject {
  page_anon_vma(page: Page): Kernel<AnonVma | null>;
  rmap_walk_anon(page: Page, rmap_one: (vma: Vma) => Kernel<void>): Kernel<number>;
}

/** The page's anon_vma now: its address when the page is anonymous and mapped, else 0. */
function expectedAnonVma(m: Machine, page: Page): number {
  const mapping = m.mem.get(page.mapping.addr);
  if ((mapping & 1) === 0 || m.mem.get(page._mapcount.addr) < 0) return 0;
  return mapping & ~1;
}

function why(m: Machine, page: Page): string {
  const mapping = m.mem.get(page.mapping.addr);
  if ((mapping & 1) === 0) return `${m.mem.describe(page.addr)} is not anonymous (page->mapping ${mapping === 0 ? 'is NULL' : `= 0x${mapping.toString(16)}, PAGE_MAPPING_ANON clear`})`;
  return `${m.mem.describe(page.addr)} is not mapped (_mapcount ${m.mem.get(page._mapcount.addr)}): page->mapping is stale`;
}

/** Ghost state keys, per thread: a failed check; how many vmas were visited; vma `a` visited
 *  (its visit's number, from 1). */
const failedKey = (tid: number): number => 0x10000000 + tid;
const countKey = (tid: number): number => 0x20000000 + tid;
const visitKey = (tid: number, a: number): number => 0x30000000 + tid * 0x100000 + a;

const fail = (m: Machine, tid: number, fn: string, msg: string, lines: string[]): false => {
  m.ghostSet(failedKey(tid), 1);
  m.fail('contract', tid, msg, report.contract(fn, lines));
  return false;
};
const ok = (m: Machine, tid: number): boolean => m.ghostGet(failedKey(tid)) === 0;
const visited = (m: Machine, tid: number, a: number): boolean => m.ghostGet(visitKey(tid, a)) > 0;

/** The rmap_one() the harness hands the walk: a probe step that checks the visit. At module
 *  level, not a closure made per run: V8 gives each new generator closure its own prototype and
 *  shape on its first call (microseconds, on every thread the explorer starts over). */
function* rmapOne(page: Page, av: AnonVma | undefined, vma: Vma): Kernel<void> {
  const a = addrOf(vma);
  const xs = av === undefined ? [a > 0 ? a : page.addr] : [a > 0 ? a : page.addr, av.root.addr, av.head.addr];
  yield probeOp('rmap_one', xs, (m, tid) => {
    if (!ok(m, tid)) return;
    const fn = 'rmap_walk_anon()';
    if (av === undefined) { fail(m, tid, fn, 'it walked a page that has no anon_vma to walk', [`called rmap_one(${shown(m, vma)}), but ${why(m, page)}`]); return; }
    const list = m.mem.getList(av.head.addr);
    if (a <= 0 || !list.includes(a)) {
      fail(m, tid, fn, 'it called rmap_one() with something that is not a vma on the anon_vma\'s list', [`rmap_one(${shown(m, vma)}); the list of ${m.mem.describe(av.addr)} is [${list.map((x) => m.mem.describe(x)).join(', ')}]`]);
      return;
    }
    if (visited(m, tid, a)) { fail(m, tid, fn, 'it visited the same vma twice', [`rmap_one(${m.mem.describe(a)}) again`]); return; }
    const count = m.ghostGet(countKey(tid)) + 1;
    m.ghostSet(countKey(tid), count);
    m.ghostSet(visitKey(tid, a), count);
    const root = m.mem.get(av.root.addr);
    if (m.locks.holding(tid, root) === undefined) {
      const held = m.locks.heldBy(tid).map((h) => m.mem.describe(h.addr));
      fail(m, tid, fn, 'it visited a vma without holding the anon_vma\'s root lock: in 2.6.36 anon_vma_lock() locks anon_vma->root->lock, the one lock of the whole tree',
        [`rmap_one(${m.mem.describe(a)}) on ${m.mem.describe(av.addr)}, whose ->root is ${m.mem.describe(root)}`,
          `${m.threadName(tid)} holds: ${held.length > 0 ? held.join(', ') : 'no lock'}`]);
    }
  });
}

export function* rmapWalkHarness(page: Page, subject: RmapWalkSubject): Kernel<void> {
  const exp = yield* probe('check: before the call', [page.mapping.addr, page._mapcount.addr], (m) => expectedAnonVma(m, page));
  const av = exp === 0 ? undefined : handleAt('anon_vma', exp);

  const rmap_one = (vma: Vma): Kernel<void> => rmapOne(page, av, vma);

  const n: unknown = yield* subject.rmap_walk_anon(page, rmap_one);
  const walked = yield* probe('check: rmap_walk_anon()', av === undefined ? [page.mapping.addr] : [page.mapping.addr, av.head.addr], (m, tid) => {
    if (!ok(m, tid)) return false;
    const fn = 'rmap_walk_anon()';
    const list = av === undefined ? [] : m.mem.getList(av.head.addr);
    const missed = list.filter((x) => !visited(m, tid, x));
    const count = m.ghostGet(countKey(tid));
    if (missed.length > 0) {
      return fail(m, tid, fn, av === undefined ? 'it walked a page that has no anon_vma to walk' : 'it did not visit every vma on the anon_vma\'s list: the page may be mapped in each of them',
        [`visited ${count} of ${list.length}: missed ${missed.map((x) => m.mem.describe(x)).join(', ')}`]);
    }
    if (n !== count) return fail(m, tid, fn, 'it must return the number of vmas it visited', [`returned ${String(n)}, but called rmap_one() ${count} time${count === 1 ? '' : 's'}`]);
    return true;
  });
  if (!walked) return;

  const got: unknown = yield* subject.page_anon_vma(page);
  yield probeOp('check: page_anon_vma()', [page.mapping.addr, page._mapcount.addr], (m, tid) => {
    const a = addrOf(got);
    const fn = 'page_anon_vma()';
    if (a === exp) return;
    if (exp === 0) fail(m, tid, fn, 'it returned an anon_vma for a page that has none to offer: it must return NULL', [`returned ${shown(m, got)}, but ${why(m, page)}`]);
    else fail(m, tid, fn, 'it did not return the page\'s anon_vma, although the page is anonymous and mapped', [`returned ${shown(m, got)}; page->mapping names ${m.mem.describe(exp)}`]);
  });
}
