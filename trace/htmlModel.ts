// What the drawn trace (html.ts) shows, derived from a Trace as plain data: one column per step
// (plus an "end" column for what happens after the last step, such as a hang), lock holding
// intervals rebuilt from the lock and unlock steps, and a colour for every object incarnation.
// Pure: no I/O, no DOM. Lock words belong to the address, not to the allocation (sim/locks.ts):
// a lock taken on anon_vma@0x40 #2 and released through #3 is one holding.
import type { Trace } from './trace';
import { isLockOp, RELEASE, TAKE, TRY } from './lockOps';
import type { StepEvent } from '../sim/events';

export interface ObjName {
  /** "anon_vma@0x40": the address, whatever lives there. */
  readonly base: string;
  readonly type: string;
  readonly inc?: number;
  readonly freed: boolean;
  readonly field?: string;
}

/** "anon_vma@0x40 #2 (free) .lock" → its parts; undefined for '' or an unknown shape. */
export function parseObj(obj: string): ObjName | undefined {
  const m = /^([A-Za-z_]\w*)@(0x[0-9a-f]+)(?: #(\d+))?( \(free\)| \(never allocated\))?(?: \.([\w+]+))?/.exec(obj);
  if (!m) return undefined;
  return { base: `${m[1]}@${m[2]}`, type: m[1], ...(m[3] !== undefined ? { inc: Number(m[3]) } : {}), freed: m[4] !== undefined, ...(m[5] !== undefined ? { field: m[5] } : {}) };
}

/** Unlocks that clear someone else's hold (the kernel's spin_unlock does not check the owner). */
const CLEARS_OTHERS = new Set(['spin_unlock', 'unlock_page', 'mutex_unlock']);


/** How lockdep would name the lock: "&anon_vma@0x40->lock", or the page lock. */
export function lockLabel(o: ObjName): string {
  if (o.type === 'page' && (o.field === 'flags' || o.field === undefined)) return `PG_locked ${o.base}`;
  return `&${o.base}->${o.field ?? 'lock'}`;
}

export interface Hold {
  readonly tid: number;
  readonly lock: string;
  /** The object whose colour the bar takes. */
  readonly base: string;
  /** Column of the step that took the lock, and of the one that released it (or the end column). */
  readonly from: number;
  readonly to: number;
  /** Still held when the trace ends. */
  readonly open: boolean;
  /** Released by another thread's unlock (a bad unlock cleared it). */
  readonly clearedBy?: number;
  /** Stacking row inside the lane. */
  readonly slot: number;
}

export interface Column {
  readonly col: number;
  /** The step, or undefined for the end column. */
  readonly e?: StepEvent;
  /** Indexes into trace.failures detected at this column. */
  readonly failures: readonly number[];
}

export interface Shade { readonly base: string; readonly inc: number; readonly color: string }

export interface Model {
  readonly columns: readonly Column[];
  readonly holds: readonly Hold[];
  /** Columns where a thread released a lock it did not hold. */
  readonly badUnlocks: readonly { readonly col: number; readonly tid: number; readonly lock: string }[];
  readonly slotsPerLane: readonly number[];
  /** Colour of every object incarnation seen, by address in order of first appearance. */
  readonly shades: readonly Shade[];
  /** Threads a hang left spinning or sleeping, from their last step to the end. */
  readonly waits: readonly { readonly tid: number; readonly what: string; readonly from: number; readonly to: number }[];
  /** Column of the failure to lead with, if any. */
  readonly fatalCol?: number;
}

// Well-separated hues; an address keeps its hue, each incarnation gets its own lightness.
const HUES = [212, 28, 145, 280, 350, 95, 190, 48, 255, 320, 5, 170];
const LIGHT = [34, 52, 68, 80];

export function shadeOf(shades: readonly Shade[], obj: string): string | undefined {
  const o = parseObj(obj);
  if (o === undefined) return undefined;
  return shades.find((s) => s.base === o.base && s.inc === (o.inc ?? 0))?.color;
}

export function buildModel(t: Trace): Model {
  const events = [...t.events].sort((a, b) => a.i - b.i);
  const colOf = new Map<number, number>();
  events.forEach((e, c) => colOf.set(e.i, c));
  const end = events.length;
  // A failure detected at a step that is not in the trace (a hang, a check at return) goes to
  // the first column after it: the end column when it is past the last step.
  const failCol = (step: number): number => colOf.get(step) ?? (events.findIndex((e) => e.i > step) >= 0 ? events.findIndex((e) => e.i > step) : end);
  const columns: Column[] = [...events.map((e, col) => ({ col, e, failures: [] as number[] })), { col: end, failures: [] as number[] }];
  t.failures.forEach((f, k) => (columns[failCol(f.step)].failures as number[]).push(k));

  // Holding intervals, replaying lock semantics: an unlock by a non-holder is a bad unlock and,
  // for spinlocks, mutexes and the page lock, clears the other holder's hold anyway.
  const open = new Map<string, { tid: number; from: number; lock: string; base: string }[]>();
  const holds: Omit<Hold, 'slot'>[] = [];
  const badUnlocks: { col: number; tid: number; lock: string }[] = [];
  events.forEach((e, col) => {
    if (!isLockOp(e.k)) return;
    const o = parseObj(e.obj);
    if (o === undefined) return;
    const key = `${o.base}.${o.field ?? ''}`;
    const lock = lockLabel(o);
    const list = open.get(key) ?? [];
    open.set(key, list);
    if (TAKE.has(e.k) || (TRY.has(e.k) && e.result === 'true')) { list.push({ tid: e.tid, from: col, lock, base: o.base }); return; }
    if (!RELEASE.has(e.k)) return;
    const mine = list.findIndex((h) => h.tid === e.tid);
    if (mine >= 0) { const [h] = list.splice(mine, 1); holds.push({ ...h, to: col, open: false }); return; }
    badUnlocks.push({ col, tid: e.tid, lock });
    if (list.length > 0 && CLEARS_OTHERS.has(e.k)) { const [h] = list.splice(0, 1); holds.push({ ...h, to: col, open: false, clearedBy: e.tid }); }
  });
  for (const list of open.values()) for (const h of list) holds.push({ ...h, to: end, open: true });
  holds.sort((a, b) => a.from - b.from || a.to - b.to);

  // Stack overlapping holds of one thread in rows.
  const rows: number[][] = t.threads.map(() => []);
  const placed: Hold[] = holds.map((h) => {
    const lane = rows[h.tid] ?? (rows[h.tid] = []);
    let slot = lane.findIndex((until) => until < h.from);
    if (slot < 0) { slot = lane.length; lane.push(h.to); } else lane[slot] = h.to;
    return { ...h, slot };
  });

  const shades: Shade[] = [];
  const hue = new Map<string, number>();
  const note = (obj: string): void => {
    const o = parseObj(obj);
    if (o === undefined) return;
    if (!hue.has(o.base)) hue.set(o.base, HUES[hue.size % HUES.length]);
    const inc = o.inc ?? 0;
    if (shades.some((s) => s.base === o.base && s.inc === inc)) return;
    const light = LIGHT[Math.max(0, inc - 1) % LIGHT.length];
    shades.push({ base: o.base, inc, color: `hsl(${hue.get(o.base)}, 68%, ${light}%)` });
  };
  for (const e of events) note(e.obj);
  shades.sort((a, b) => [...hue.keys()].indexOf(a.base) - [...hue.keys()].indexOf(b.base) || a.inc - b.inc);

  // A hang's report names who waits on what ("fault spins in spin_lock(&anon_vma@0x40->lock)").
  const waits: { tid: number; what: string; from: number; to: number }[] = [];
  t.failures.forEach((f, k) => {
    if (f.kind !== 'hang') return;
    const at = columns.find((c) => c.failures.includes(k))!.col;
    for (const m of f.report.matchAll(/^\s*(\S+) (spins|waits|sleeps) in (.+?)(?:,|$)/gm)) {
      const tid = t.threads.indexOf(m[1]);
      if (tid < 0) continue;
      let from = 0;
      events.forEach((e, col) => { if (e.tid === tid && col < at) from = col + 1; });
      waits.push({ tid, what: `${m[2]} in ${m[3]}`, from: Math.min(from, at), to: at });
    }
  });

  const primary = t.failure === undefined ? -1 : t.failures.findIndex((f) => f === t.failure || (f.kind === t.failure!.kind && f.step === t.failure!.step));
  const fatalCol = t.failure === undefined ? undefined : primary >= 0 ? columns.find((c) => c.failures.includes(primary))?.col : failCol(t.failure.step);
  return { columns, holds: placed, badUnlocks, waits, slotsPerLane: t.threads.map((_, i) => rows[i]?.length ?? 0), shades, ...(fatalCol !== undefined ? { fatalCol } : {}) };
}

/** One step as a person reads it: "spin_lock anon_vma@0x40 #2 (free) .lock → 1". */
export function describeStep(e: StepEvent): string {
  const obj = e.obj ? ` ${e.obj}` : '';
  const val = e.value !== undefined ? ` := ${e.value}` : '';
  const res = e.result !== undefined && e.result !== '' ? ` → ${e.result}` : '';
  return `${e.name}${obj}${val}${res}`;
}
