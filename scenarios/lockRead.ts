// Exercise 07's scenarios (Linux 3.8: the anon_vma lock is an rw-semaphore, read-locked by rmap
// walkers through page_lock_anon_vma_read()). The walker is pageLockHarness's rmapWalker: it
// holds the page lock, checks the contract (the page's anon_vma, its current root read-locked
// by this thread; NULL only if the page was unmapped meanwhile), walks, and unlocks with the
// submission's page_unlock_anon_vma_read() — so a wrong root shows as the old bad unlock and
// hang. Every thread ends with the reference accounting check (a reference taken on the slow
// path and never dropped is a lost reference). Sleeping inside RCU is the machine's own report.
import type { Machine } from '../sim/machine';
import { World } from '../sim/world';
import type { Page } from '../sim/api';
import { exit_mmap, fork_then_exit } from '../sim/mm/process';
import type { Scenario } from './scenario';
import { family, seedWorld, Spawn } from './worlds';
import { PageLockSubject, rmapWalker } from './pageLockHarness';
import { finishing } from './atEnd';
import { checkAnonVmaRefs } from './anonVmaAccounting';

type S = Scenario<PageLockSubject>;
const V = '3.8';

function spawnAll(m: Machine, page: Page, subject: PageLockSubject, others: readonly Spawn[]): void {
  const check = checkAnonVmaRefs('page_lock_anon_vma_read()', 0);
  m.spawn('walker', () => finishing(rmapWalker(V, page, subject, true), check));
  for (const [name, make] of others) m.spawn(name, () => finishing(make(), check));
}


export function quiet(): S {
  return {
    name: 'quiet', summary: 'nobody else runs: the page stays mapped in a forked child', version: V,
    build(m, subject) { const f = family(m, V); spawnAll(m, f.page, subject, []); },
  };
}

/** A second child is forked and exits while the page stays mapped: anon_vma_fork() and
 *  unlink_anon_vmas() hold the root's rwsem for write, so the walker's trylock can fail while
 *  the page is still mapped — the slow path must pin, sleep outside RCU, and drop its pin. */
export function contended(): S {
  return {
    name: 'contended', summary: 'a sibling is forked and exits, holding the root\'s rwsem for write while the page stays mapped', version: V,
    build(m, subject) {
      const w = new World(m, V);
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(child);
      const sibling = w.vma();
      spawnAll(m, page, subject, [['fork', () => fork_then_exit(V, parent, sibling)]]);
    },
  };
}

export function exitVsWalk(): S {
  return {
    name: 'exit-vs-walk', summary: 'the child exits while the walker locks: it unmaps the page, then unlinks its anon_vmas under the rwsem held for write, and puts them', version: V,
    build(m, subject) { const f = family(m, V); spawnAll(m, f.page, subject, [['exit', () => exit_mmap(V, f.child, [f.page])]]); },
  };
}

export function lastPut(): S {
  return {
    name: 'last-put', summary: 'parent and child exit: the walker\'s slow-path reference may be the last on the child and the root', version: V,
    build(m, subject) {
      const f = family(m, V);
      spawnAll(m, f.page, subject, [['exit', () => exit_mmap(V, f.child, [f.page])], ['exit-parent', () => exit_mmap(V, f.parent, [])]]);
    },
  };
}

export function seed(): S {
  return {
    name: 'seed', summary: 'the page\'s process exits; anon_vma_fork and anon_vma_prepare reuse the freed slot', version: V,
    build(m, subject) {
      const { page, adversaries } = seedWorld(m, V);
      spawnAll(m, page, subject, adversaries);
    },
  };
}

export const LOCK_READ: Readonly<Record<string, () => S>> = { quiet, contended, 'exit-vs-walk': exitVsWalk, 'last-put': lastPut, seed };
