// The caller of a page_lock_anon_vma()-like function: an rmap walker (reclaim or migration)
// that holds the page lock, calls the subject's lock function, walks the anon_vma's list, and
// calls the subject's unlock. Ghost checks around the call enforce the function's contract:
//  - non-NULL: the returned anon_vma is live, is the page's anon_vma, and this thread holds the
//    lock that the matching unlock will release (the root's lock, read now);
//  - NULL: only if the page was unmapped at some moment during the call, and outside RCU.
//  - either way: the call wrote no struct page field (Memory.wroteWatched; this thread writes
//    none of its own), so it cannot make giving up look allowed by unmapping the page itself.
import * as k from '../sim/api';
import type { AnonVma, Kernel, Page } from '../sim/api';
import { probe, probeOp, Machine } from '../sim/machine';
import { report } from '../sim/reports';
import { lockFlavour, KernelVersion } from '../sim/mm/version';
import { wroteWatched } from './util';

export interface PageLockSubject {
  page_lock_anon_vma(page: Page): Kernel<AnonVma | null>;
  page_unlock_anon_vma(anon_vma: AnonVma): Kernel<void>;
}

/** The address inside a value returned by (possibly untrusted) code: 0 for null, -1 if not a handle. */
function addrOf(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v !== 'object') return -1;
  try {
    const a = (v as { addr?: unknown }).addr;
    return typeof a === 'number' && Number.isInteger(a) ? a : -1;
  } catch {
    return -1;
  }
}

/** The subject's functions for a kernel version: 3.8 renamed the pair to ..._read. */
export function subjectNames(v: KernelVersion): readonly [string, string] {
  return v === '3.8' ? ['page_lock_anon_vma_read', 'page_unlock_anon_vma_read'] : ['page_lock_anon_vma', 'page_unlock_anon_vma'];
}

export function* rmapWalker(v: KernelVersion, page: Page, subject: PageLockSubject, pageLock: boolean): Kernel<void> {
  const [lockName, unlockName] = subjectNames(v);
  const s = subject as unknown as Record<string, (x: unknown) => Kernel<unknown>>;
  if (pageLock) yield* k.lock_page(page);
  const [mapcountAtStart, unmapsAtStart] = yield* probe('check: page mapped?', [page._mapcount.addr],
    (m) => [m.mem.get(page._mapcount.addr), m.mem.unmaps.get(page.addr) ?? 0] as const);
  const av = (yield* s[lockName](page)) as AnonVma | null;
  const a = addrOf(av);
  const xs = a > 0 ? [page.mapping.addr, page._mapcount.addr, a + 8, a] : [page.mapping.addr, page._mapcount.addr];
  yield probeOp('check: contract', xs, (m, tid) => { checkContract(m, tid, v, page, av, mapcountAtStart, unmapsAtStart); });
  // Go on after a contract failure (replays show what the caller then does), unless there is
  // nothing to unlock.
  if (av === null || addrOf(av) <= 0) { if (pageLock) yield* k.unlock_page(page); return; }
  yield* k.list_entries(av.head);
  yield* s[unlockName](av);
  if (pageLock) yield* k.unlock_page(page);
}

function checkContract(m: Machine, tid: number, v: KernelVersion, page: Page, av: unknown, mc0: number, un0: number): boolean {
  const name = `${subjectNames(v)[0]}()`;
  const a = addrOf(av);
  const fail = (why: string, lines: string[]): boolean => { m.fail('contract', tid, why, report.contract(name, lines)); return false; };
  const wrote = wroteWatched(m, tid, name, 'may give up only when another thread unmapped the page');
  if (wrote !== undefined) return fail(...wrote);
  if (a < 0) return fail('page_lock_anon_vma() must return an AnonVma handle or null', [`returned ${String(av)}, not an AnonVma or null`]);
  const mapping = m.mem.get(page.mapping.addr);
  if (a === 0) {
    // (the thread-exit check finds the leak too, but only at the harness's last step: this one
    // marks the step right after the student's return)
    const depth = m.rcu.depth(tid);
    if (depth > 0) {
      return fail('it returned NULL inside the RCU read-side section it began: a path that gives up must call rcu_read_unlock() first',
        [`returned NULL with rcu_read_lock() still held (nesting depth ${depth})`]);
    }
    const unmapped = mc0 < 0 || (m.mem.unmaps.get(page.addr) ?? 0) !== un0 || m.mem.get(page._mapcount.addr) < 0 || (mapping & 1) === 0;
    if (!unmapped) return fail('it gave up (returned NULL) although the page stayed mapped for the whole call, so its anon_vma was there to lock',
      [`returned NULL, but ${m.mem.describe(page.addr)} was mapped throughout the call (_mapcount ${mc0} → ${m.mem.get(page._mapcount.addr)})`]);
    return true;
  }
  const slot = m.mem.slotOf(a);
  if (slot === undefined || slot.base !== a) return fail('it returned a pointer that is not an anon_vma', [`returned ${m.mem.describe(a)}`]);
  if ((mapping & ~1) !== a) {
    return fail('it returned an anon_vma that is not the page\'s: page->mapping changed under it',
      [`returned ${m.mem.describe(a)}, but page->mapping now names ${m.mem.describe(mapping & ~1)}`]);
  }
  const f = lockFlavour(v);
  const root = f === 'own-spin' ? a : m.mem.get(a + 8);
  const lockAddr = root; // the lock word is the first field of an anon_vma
  const h = m.locks.holding(tid, lockAddr);
  if (h === undefined) {
    // ->root is set when an anon_vma is allocated: if `a`'s slot was allocated only once, its
    // ->root never changed, and the thread chose the wrong lock (2.6.35's habit)
    if (root !== a && slot.inc === 1 && m.locks.holding(tid, a) !== undefined) {
      return fail('it locked the anon_vma\'s own lock, but page_unlock_anon_vma() releases anon_vma->root->lock: since 2.6.36 one lock, the root\'s, guards the whole tree',
        [`returned ${m.mem.describe(a)} holding its own lock, but its ->root is ${m.mem.describe(root)}, whose lock it does not hold`]);
    }
    return fail('the lock it holds is not the one page_unlock_anon_vma() will release: anon_vma->root now names another anon_vma',
      [`returned ${m.mem.describe(a)} whose ->root is ${m.mem.describe(root)}`,
        `but ${m.threadName(tid)} does not hold ${m.mem.describe(lockAddr)}'s lock; it holds: ${m.locks.heldBy(tid).map((x) => m.mem.describe(x.addr)).join(', ') || 'nothing'}`]);
  }
  return true;
}
