// An undo log of the machine's state: every change a step makes to memory, slabs, locks, RCU
// and ghost state is noted here before it is made, so that the explorer can take the machine
// back to an earlier step instead of building it again and re-running the prefix
// (explorer/dpor.ts). Four kinds of change cover every container the machine keeps: a map
// entry, an array element, and an array used as a stack or a queue (push, pop, shift).
// Containers whose entries are changed in place are copied on change instead (a lock's holder
// list, a thread's held locks, a slab slot), so that noting the old reference is enough.
// Must never: hold anything but the machine's own containers; import outside sim/.

const MAP = 0, ELEM = 1, POPPED = 2, PUSHED = 3, SHIFTED = 4;

/** The log's entries are [0, n): undo lowers n and leaves the arrays as they are (setting an
 *  array's length is a call into V8's runtime, several per execution in a search). */
export class Journal {
  private readonly kind: number[] = [];
  private readonly box: unknown[] = [];
  private readonly key: number[] = [];
  private readonly old: unknown[] = [];
  private n = 0;

  get length(): number { return this.n; }

  /** `map` is about to get a new value at `k`. */
  map<V>(map: Map<number, V>, k: number): void { this.note(MAP, map, k, map.get(k)); }
  /** `arr[i]` is about to change. */
  elem<V>(arr: V[], i: number): void { this.note(ELEM, arr, i, arr[i]); }
  /** `v` was just popped from `arr`. */
  popped<V>(arr: V[], v: V): void { this.note(POPPED, arr, 0, v); }
  /** A value was just pushed onto `arr`. */
  pushed<V>(arr: V[]): void { this.note(PUSHED, arr, 0, undefined); }
  /** `v` was just shifted off the front of `arr`. */
  shifted<V>(arr: V[], v: V): void { this.note(SHIFTED, arr, 0, v); }

  private note(kind: number, box: unknown, k: number, old: unknown): void {
    const i = this.n++;
    this.kind[i] = kind; this.box[i] = box; this.key[i] = k; this.old[i] = old;
  }

  /** Undo every change noted since the log had `mark` entries, newest first. */
  undo(mark: number): void {
    for (let i = this.n - 1; i >= mark; i--) {
      const box = this.box[i], old = this.old[i];
      switch (this.kind[i]) {
        case MAP: if (old === undefined) (box as Map<number, unknown>).delete(this.key[i]); else (box as Map<number, unknown>).set(this.key[i], old); break;
        case ELEM: (box as unknown[])[this.key[i]] = old; break;
        case POPPED: (box as unknown[]).push(old); break;
        case PUSHED: (box as unknown[]).pop(); break;
        case SHIFTED: (box as unknown[]).unshift(old); break;
      }
      this.box[i] = undefined; this.old[i] = undefined; // nothing kept alive from the undone steps
    }
    if (mark < this.n) this.n = mark;
  }
}
