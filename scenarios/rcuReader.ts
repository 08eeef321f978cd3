// Exercise 02's scenarios: lesson 2's toy world, where an anon_vma left empty is freed with
// kfree_rcu() (after a grace period) and the RCU thread runs the callback. The reader counts
// the places that may map a page while processes exit around it.
import type { Machine } from '../sim/machine';
import { World } from '../sim/world';
import { spawnRcuThread } from '../sim/rcuThread';
import type { Scenario } from './scenario';
import { RcuReaderSubject, rcuReaderHarness, exit_kfree_rcu } from './rcuReaderHarness';
import { runToEnd } from './util';

type S = Scenario<RcuReaderSubject>;
const V = '2.6.36';

/** Nobody else runs: the page is mapped by a parent and its child. */
export function quiet(): S {
  return {
    name: 'quiet', summary: 'nobody else runs: a page mapped by a parent and its child', version: V,
    build(m: Machine, subject: RcuReaderSubject): void {
      const w = new World(m, V);
      const parent = w.process();
      w.fork(parent);
      const page = w.page(parent);
      m.mem.set(page._mapcount.addr, 1);
      m.spawn('reader', () => rcuReaderHarness(page, subject));
    },
  };
}

/** The page's process exited before the reader started: unmapped, anon_vma freed (kfree_rcu,
 *  grace period over); page->mapping still names it. */
export function unmapped(): S {
  return {
    name: 'unmapped', summary: 'the process exited before the read: page->mapping names an anon_vma already freed', version: V,
    build(m, subject) {
      const w = new World(m, V);
      const p = w.process();
      const page = w.page(p);
      m.spawn('reader', () => rcuReaderHarness(page, subject));
      runToEnd(m, m.spawn('exit', exit_kfree_rcu(p, [page])));
      runToEnd(m, spawnRcuThread(m));
    },
  };
}

/** The page's only process exits while the reader reads: unmap, unlink, kfree_rcu. */
export function exit(): S {
  return {
    name: 'exit', summary: 'the page\'s process exits during the read: unmap, unlink, kfree_rcu(anon_vma)', version: V,
    build(m, subject) {
      const w = new World(m, V);
      const p = w.process();
      const page = w.page(p);
      m.spawn('reader', () => rcuReaderHarness(page, subject));
      m.spawn('exit', () => exit_kfree_rcu(p, [page]));
      spawnRcuThread(m);
    },
  };
}

/** A parent and its child both map the page, and both exit during the read: whichever
 *  unlinks last frees the anon_vmas. */
export function exitBoth(): S {
  return {
    name: 'exit-both', summary: 'a parent and its child both map the page, and both exit during the read', version: V,
    build(m, subject) {
      const w = new World(m, V);
      const parent = w.process();
      const child = w.fork(parent);
      const page = w.page(parent);
      m.mem.set(page._mapcount.addr, 1);
      m.spawn('reader', () => rcuReaderHarness(page, subject));
      m.spawn('exit', () => exit_kfree_rcu(parent, [page]));
      m.spawn('exit-child', () => exit_kfree_rcu(child, [page]));
      spawnRcuThread(m);
    },
  };
}

export const RCU_READER: Readonly<Record<string, () => S>> = { quiet, unmapped, exit, 'exit-both': exitBoth };
