// Exercise 06's scenarios (Linux 3.0: anon_vma refcount, mutex root lock): page migration pins
// the page's anon_vma with page_get_anon_vma() while the adversary exits, drops the last
// references and reuses the slot. Every thread ends with the reference accounting check.
import type { Machine } from '../sim/machine';
import type { Page } from '../sim/api';
import { exit_mmap } from '../sim/mm/process';
import type { Scenario } from './scenario';
import { family, seedWorld, Spawn } from './worlds';
import { PageGetSubject, migrationCaller } from './pageGetHarness';
import { finishing } from './atEnd';
import { checkAnonVmaRefs } from './anonVmaAccounting';

type S = Scenario<PageGetSubject>;
const V = '3.0';

/** Spawn the migration caller (thread 0) and the adversary's threads, each ending with the
 *  accounting check. */
function spawnAll(m: Machine, page: Page, subject: PageGetSubject, others: readonly Spawn[]): void {
  const check = checkAnonVmaRefs('page_get_anon_vma() and put_anon_vma()', 0);
  m.spawn('migrate', () => finishing(migrationCaller(page, subject), check));
  for (const [name, make] of others) m.spawn(name, () => finishing(make(), check));
}


export function quiet(): S {
  return {
    name: 'quiet', summary: 'nobody else runs: the page stays mapped in a forked child', version: V,
    build(m, subject) { const f = family(m, V); spawnAll(m, f.page, subject, []); },
  };
}

export function exit(): S {
  return {
    name: 'exit', summary: 'the child exits: unmap, unlink, and the put that may be the last races the pin', version: V,
    build(m, subject) { const f = family(m, V); spawnAll(m, f.page, subject, [['exit', () => exit_mmap(V, f.child, [f.page])]]); },
  };
}

export function lastPut(): S {
  return {
    name: 'last-put', summary: 'parent and child both exit: migration\'s put may be the last for the child\'s anon_vma and for the root', version: V,
    build(m, subject) {
      const f = family(m, V);
      spawnAll(m, f.page, subject, [['exit', () => exit_mmap(V, f.child, [f.page])], ['exit-parent', () => exit_mmap(V, f.parent, [])]]);
    },
  };
}

/** The seed's world on 3.0: the page's process exits and frees its anon_vma (a root); a fork
 *  (root = another tree's) and a first fault (root = itself) may reuse the slot. */
export function seed(): S {
  return {
    name: 'seed', summary: 'the page\'s process exits; anon_vma_fork and anon_vma_prepare reuse the freed slot', version: V,
    build(m, subject) {
      const { page, adversaries } = seedWorld(m, V);
      spawnAll(m, page, subject, adversaries);
    },
  };
}

export const PAGE_GET: Readonly<Record<string, () => S>> = { quiet, exit, 'last-put': lastPut, seed };
