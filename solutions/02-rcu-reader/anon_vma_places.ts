// Reference for exercise 02: an RCU reader (lesson 2). In this exercise's toy world an
// anon_vma left empty is freed with kfree_rcu(), i.e. only after every reader that was inside
// a read-side section when the free was queued has left it.
import { Kernel, Page, rcu_read_lock, rcu_read_unlock, READ_ONCE, PageAnon, page_mapped, anon_vma_from_mapping, list_entries } from '../../sim/api';

/** How many places (vmas) may map `page`, per its anon_vma's list; -1 when the page is not
 *  anonymous or not mapped. */
export function* anon_vma_places(page: Page): Kernel<number> {
  // Open the section *before* the first read of the path page->mapping -> anon_vma: a free
  // queued after this point must wait for us.
  yield* rcu_read_lock();
  const mapping = yield* READ_ONCE(page.mapping);
  if (!PageAnon(mapping)) {
    yield* rcu_read_unlock(); // every return path closes the section
    return -1;
  }
  // Inside the section, "mapped" makes the pointer live: the page was mapped at a moment after
  // we entered, so the anon_vma had not yet been queued for freeing, and its free waits for us.
  // An unmapped page's ->mapping may name an anon_vma freed before we entered: don't touch it.
  if (!(yield* page_mapped(page))) {
    yield* rcu_read_unlock();
    return -1;
  }
  const anon_vma = anon_vma_from_mapping(mapping);
  // A lockless look at the list (list_for_each_entry_rcu): the count may be stale as soon as
  // we return, which is fine for a count. The access itself must be inside the section.
  const vmas = yield* list_entries(anon_vma.head);
  // Close the section after the last use of anon_vma, not before.
  yield* rcu_read_unlock();
  return vmas.length;
}
