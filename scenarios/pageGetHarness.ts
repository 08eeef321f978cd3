// The caller of page_get_anon_vma()/put_anon_vma() (exercise 06, Linux 3.0): page migration's
// unmap_and_move(), which since 746b18d421da pins the page's anon_vma with a reference so that
// it can still find the page's ptes after unmapping it. It holds the page lock, asks for a
// reference, uses the anon_vma outside RCU (takes its root's mutex, walks its list), and drops
// the reference with the submission's put_anon_vma().
// The contract, checked atomically right after page_get_anon_vma() returns:
//  - non-NULL: the very anon_vma (same incarnation) page->mapping named when the call began,
//    still live, with exactly one reference taken by the call and none left anywhere else;
//  - NULL: only if the page was unmapped at some moment during the call, with no reference kept;
//  - either way: out of the RCU read-side section, holding no lock but the caller's page lock.
// The put is judged at the end (anonVmaAccounting.ts): every reference dropped, every anon_vma
// whose last reference went freed, nothing freed twice or early (KASAN catches the rest).
import * as k from '../sim/api';
import type { AnonVma, Kernel, Page } from '../sim/api';
import { probe, Machine } from '../sim/machine';
import { report } from '../sim/reports';
import { CACHES, fieldOffset, STRIDE } from '../sim/layout';
import { addrOf, shown, wroteWatched } from './util';
import { counted, newLedger, RefLedger } from './refTrace';

export interface PageGetSubject {
  page_get_anon_vma(page: Page): Kernel<AnonVma | null>;
  put_anon_vma(anon_vma: AnonVma): Kernel<void>;
}

const AV = CACHES.find((c) => c.name === 'anon_vma_cachep')!;
const REFCOUNT = fieldOffset('anon_vma', 'refcount');
/** Is `a` the refcount word of an anon_vma slot? */
export function isAnonVmaRefcount(a: number): boolean {
  return a >= AV.base && a < AV.base + AV.slots * STRIDE && (a - AV.base) % STRIDE === REFCOUNT;
}

interface Start { mapcount: number; unmaps: number; av: number; inc: number }

export function* migrationCaller(page: Page, subject: PageGetSubject): Kernel<void> {
  yield* k.lock_page(page);
  const start: Start = yield* probe('check: before the call', [page.mapping.addr, page._mapcount.addr], (m) => {
    const av = m.mem.get(page.mapping.addr) & ~k.PAGE_MAPPING_ANON;
    return { mapcount: m.mem.get(page._mapcount.addr), unmaps: m.mem.unmaps.get(page.addr) ?? 0, av, inc: m.mem.slotOf(av)?.inc ?? 0 };
  });
  const ledger = newLedger();
  const av: unknown = yield* counted(subject.page_get_anon_vma(page), isAnonVmaRefcount, ledger);
  const a = addrOf(av);
  const ok = yield* probe('check: contract', a > 0 ? [page.mapping.addr, page._mapcount.addr, a, a + REFCOUNT] : [page.mapping.addr, page._mapcount.addr],
    (m, tid) => checkGet(m, tid, page, av, start, ledger));
  if (ok && a > 0) {
    // Use it outside RCU, as migration does: the reference keeps this anon_vma (and so its
    // ->root) from being freed, so the root read once here is the one to unlock.
    const anon_vma = av as AnonVma;
    const root = yield* k.READ_ONCE(anon_vma.root);
    yield* k.mutex_lock(root.mutex);
    yield* k.list_entries(anon_vma.head);
    yield* k.mutex_unlock(root.mutex);
    yield* subject.put_anon_vma(anon_vma);
  }
  yield* k.unlock_page(page);
}

function checkGet(m: Machine, tid: number, page: Page, av: unknown, s: Start, ledger: RefLedger): boolean {
  const name = 'page_get_anon_vma()';
  const fail = (why: string, lines: string[]): boolean => { m.fail('contract', tid, why, report.contract(name, lines)); return false; };
  const depth = m.rcu.depth(tid);
  if (depth > 0) {
    m.fail('rcu-imbalance', tid, `${name} returned inside its RCU read-side section: rcu_read_lock() without rcu_read_unlock()`, report.rcuImbalance(m.threadName(tid), depth));
    return false;
  }
  const wrote = wroteWatched(m, tid, name, 'may give up only when another thread unmapped the page');
  if (wrote !== undefined) return fail(...wrote);
  const a = addrOf(av);
  if (a < 0) return fail(`${name} must return an AnonVma handle or null`, [`returned ${shown(m, av)}`]);
  const held = m.locks.heldBy(tid).filter((h) => h.addr !== page.flags.addr);
  if (held.length > 0) return fail(`${name} returned holding a lock: it should only take a reference`, held.map((h) => `still holds ${m.mem.describe(h.addr)} (${h.mode}), taken at step ${h.at}`));
  const written = [...ledger.set];
  if (written.length > 0) return fail('it wrote a refcount directly (atomic_set): a reference count is only ever incremented or decremented', written.map((x) => `wrote ${m.mem.describe(x)}`));
  const kept = [...ledger.net].filter(([x, n]) => n > 0 && x - REFCOUNT !== a); // drops are judged at the end
  const mine = ledger.net.get(a + REFCOUNT) ?? 0;
  if (kept.length > 0) {
    return fail('it kept a reference on an anon_vma it did not return: drop it (put_anon_vma) on every path that gives up',
      kept.map(([x, n]) => `${m.mem.describe(x - REFCOUNT)}: ${n} reference${n === 1 ? '' : 's'} taken by this call and not dropped`));
  }
  if (a === 0) {
    const unmapped = s.mapcount < 0 || (m.mem.unmaps.get(page.addr) ?? 0) !== s.unmaps || m.mem.get(page._mapcount.addr) < 0;
    if (!unmapped) {
      return fail('it returned NULL although the page stayed mapped for the whole call, so its anon_vma was there to pin',
        [`returned NULL, but ${m.mem.describe(page.addr)} was mapped throughout the call (_mapcount ${s.mapcount} → ${m.mem.get(page._mapcount.addr)})`]);
    }
    return true;
  }
  const slot = m.mem.slotOf(a);
  if (slot === undefined || slot.base !== a || slot.cache !== CACHES.indexOf(AV)) return fail('it returned a pointer that is not an anon_vma', [`returned ${shown(m, av)}`]);
  if (a !== s.av || slot.inc !== s.inc || !slot.live) {
    const lines = [`returned ${m.mem.describe(a)}; when the call began, page->mapping named anon_vma@0x${s.av.toString(16)} #${s.inc}`];
    if (slot.inc !== s.inc && slot.allocBy >= 0) lines.push(`${m.mem.describe(a)} was allocated by ${m.threadName(slot.allocBy)} at step ${slot.allocAt}: someone else's`);
    if (!slot.live) lines.push(`it was freed by ${m.threadName(slot.freedBy)} at step ${slot.freedAt}`);
    return fail(!slot.live
      ? 'it returned an anon_vma that has been freed: a count of zero means "being freed", and a pin must fail there (atomic_inc_not_zero)'
      : 'it returned an anon_vma that is not the page\'s: it was freed and reused after the lookup. Pin it, then re-check page_mapped()', lines);
  }
  if (mine !== 1) {
    return fail(mine === 0 ? 'it returned the anon_vma without a reference of its own: pin it with atomic_inc_not_zero() before returning it'
      : `it took ${mine} references on the anon_vma it returned: one is enough, the rest leak`,
    [`${m.mem.describe(a)}: refcount ${m.mem.get(a + REFCOUNT)}, of which this call took ${mine}`]);
  }
  return true;
}
