// The version knob: where the kernel's history differs, the modelled mm routines ask this.
//  2.6.35      each anon_vma has its own spinlock (anon_vma->lock)
//  2.6.36-rc2  anon_vma->root (Rik van Riel, 2.6.36 merge window): lock the root's spinlock;
//              page_lock_anon_vma as in rc2 (solutions/.../history/2.6.36-rc2.ts)
//  2.6.36      the same locking, with Hugh Dickins' fix f18194275c39 in page_lock_anon_vma
//  3.0         the anon_vma lock is a mutex (Peter Zijlstra); refcount pins (746b18d421da)
//  3.8         the lock is an rw-semaphore; page_lock_anon_vma_read
export type KernelVersion = '2.6.35' | '2.6.36-rc2' | '2.6.36' | '3.0' | '3.8';
export const VERSIONS: readonly KernelVersion[] = ['2.6.35', '2.6.36-rc2', '2.6.36', '3.0', '3.8'];

export type LockFlavour = 'own-spin' | 'root-spin' | 'root-mutex' | 'root-rwsem';
export function lockFlavour(v: KernelVersion): LockFlavour {
  switch (v) {
    case '2.6.35': return 'own-spin';
    case '2.6.36-rc2': case '2.6.36': return 'root-spin';
    case '3.0': return 'root-mutex';
    case '3.8': return 'root-rwsem';
  }
}
/** 3.0 and later: anon_vma->refcount starts at 1 on allocation and the last put frees. */
export function refcounted(v: KernelVersion): boolean { return v === '3.0' || v === '3.8'; }
