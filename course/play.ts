// `npm run play N`: you are the scheduler. A strategy whose choice is a person: the machine
// shows every thread's next step, the player picks which runs, until something breaks or every
// thread ends. Each state is the schedule so far replayed from scratch (the simulator is
// deterministic), so undo is "the same moves minus the last", and the moves are the replay
// string the bug-hunt exercise grades — with the grader's own rules (grader/scheduleGrade.ts).
// This module holds the game and what its screen shows (playScreen.ts draws it; playSession.ts
// runs it). Scenario 4 is the seed on 2.6.36-rc2, the target of exercise 04.
import { splitKeys } from './keys';
import { findExercise, type ExerciseEntry, type ScheduleTarget } from '../exercises/index';
import { __setCaptureLocations } from '../sim/api';
import type { StepEvent } from '../sim/events';
import type { Op } from '../sim/op';
import { isFatal } from '../sim/failure';
import { CACHES, fieldOffset } from '../sim/layout';
import { decode, encode, BadSchedule } from '../explorer/schedule';
import type { Trace } from '../trace/trace';
import { preemptions } from '../explorer/schedule';
import {
  applyMoves, loadTargetCode, lockName, targetFactory, waitsFor,
  type Position, type TargetCode,
} from '../grader/scheduleGrade';
import { layout, stepString, threadRows, type PlayView, type ScreenOptions, type StepView, type ThreadView } from './playScreen';
import { kernelRoutine } from './playSource';

export interface PlayScenario {
  readonly n: number;
  readonly title: string;
  readonly goal: string;
  /** The bug-hunt exercise whose target this plays, and which grades the result. */
  readonly exercise: string;
}

const PLAYS: readonly PlayScenario[] = [
  { n: 4, title: 'the seed on Linux 2.6.36-rc2', goal: 'make it hang', exercise: '04-bug-hunt' },
];

export function playNumbers(): number[] { return PLAYS.map((p) => p.n); }
export function findPlay(n: string): PlayScenario | undefined {
  return /^\d{1,2}$/.test(n) ? PLAYS.find((p) => p.n === Number(n)) : undefined;
}

export interface Choice { readonly name: string; readonly value: string }

/** The menu numbers threads by id, but the select prompt's digit keys pick the n-th choice
 *  (from 1), and only the threads that can run are listed. What to hand the prompt for digit
 *  `d` typed: the position of thread d's choice, or undefined (it cannot run now: the key does
 *  nothing). */
export function digitToPosition(d: string, choices: readonly Choice[]): string | undefined {
  const i = choices.findIndex((c) => c.value === d);
  return i >= 0 && i < 9 ? String(i + 1) : undefined;
}

/** Keys as the terminal sent them (several at once when pasted or typed fast: `2\r`), with
 *  every digit key made a position (digitToPosition; a digit no thread answers to is dropped),
 *  and everything else, escape sequences included, as it came. */
export function digitsToPositions(data: string, choices: readonly Choice[]): string {
  return splitKeys(data).map((k) => (/^[0-9]$/.test(k) ? digitToPosition(k, choices) ?? '' : k)).join('');
}

export interface PlayTerminal {
  clear(): void;
  write(text: string): void;
  /** Ask; resolves to the chosen value, or 'interrupt' (Ctrl-C). */
  choose(message: string, choices: readonly Choice[], defaultValue: string): Promise<string>;
}

export class BadMoves extends Error {}

const ROOT = fieldOffset('anon_vma', 'root');

/** One game: the moves so far, and the state they lead to. */
export class PlayGame {
  readonly exercise: ExerciseEntry;
  readonly target: ScheduleTarget;
  readonly code: TargetCode;
  private readonly moves: number[] = [];
  private pos: Position;

  constructor(readonly play: PlayScenario) {
    const ex = findExercise(play.exercise);
    if (ex?.target === undefined) throw new Error(`play ${play.n}: exercise ${play.exercise} has no target`);
    this.exercise = ex;
    this.target = ex.target;
    this.code = loadTargetCode(ex.target);
    this.pos = this.replay(this.moves);
  }

  /** The same moves, from scratch, with every step's source location recorded. */
  private replay(moves: readonly number[]): Position {
    __setCaptureLocations(true);
    this.code.setCapture(true);
    try {
      return applyMoves(targetFactory(this.target, this.code), moves, { record: true });
    } finally {
      this.code.setCapture(false);
      __setCaptureLocations(false);
    }
  }

  get position(): Position { return this.pos; }

  /** What the player did, as a plain trace (for the drawn HTML page). */
  trace(): Trace {
    const m = this.pos.machine;
    const failure = m.primaryFailure();
    return {
      scenario: `play ${this.play.n}: ${this.play.title}`, threads: m.threads.map((t) => t.name), events: m.events,
      failures: m.failures, ...(failure ? { failure } : {}), schedule: this.schedule,
      preemptions: preemptions(this.moves, this.pos.enabledAt),
    };
  }
  get step(): number { return this.moves.length; }
  get over(): boolean { return this.pos.end !== undefined; }
  get schedule(): string { return encode(this.moves); }

  /** Play a whole schedule (the `--moves` option); a move that cannot be made is BadMoves. */
  playAll(text: string): void {
    let ms: number[];
    try { ms = decode(text); } catch (e) { throw e instanceof BadSchedule ? new BadMoves(e.message) : e; }
    const p = this.replay(ms);
    if (p.error !== undefined) throw new BadMoves(p.error);
    this.moves.splice(0, this.moves.length, ...ms);
    this.pos = p;
  }

  move(tid: number): void {
    if (this.over || !this.pos.machine.isEnabled(tid)) throw new BadMoves(`thread ${tid} cannot run now`);
    this.moves.push(tid);
    this.pos = this.replay(this.moves);
  }

  undo(): void {
    if (this.moves.length === 0) return;
    this.moves.pop();
    this.pos = this.replay(this.moves);
  }

  /** Runnable threads (stable order: by id), then undo (when there is a move), then quit. The
   *  default is the thread that ran last, when it can run again. */
  choices(o: ScreenOptions = { width: 80, height: 24, color: false }): { choices: Choice[]; default: string } {
    const m = this.pos.machine;
    const en = this.over ? [] : m.enabled();
    const width = o.width;
    const view = this.view(o);
    const out: Choice[] = en.map((t) => {
      const step = view.threads.find((x) => x.id === t)?.next;
      const next = step === undefined ? '' : stepString(step);
      return { name: clipTo(`${t} ${m.threadName(t).padEnd(7)} ${next}`, width - 4), value: String(t) };
    });
    if (this.moves.length > 0) out.push({ name: `undo last step (${m.threadName(this.moves[this.moves.length - 1])})`, value: 'undo' });
    out.push({ name: 'quit', value: 'quit' });
    const last = this.moves[this.moves.length - 1];
    return { choices: out, default: last !== undefined && en.includes(last) ? String(last) : out[0].value };
  }

  private cached?: { key: string; view: PlayView };

  /** What the screen shows now (computed once per state and size). */
  view(o: ScreenOptions): PlayView {
    const key = `${this.schedule} ${o.width}x${o.height}`;
    if (this.cached?.key !== key) this.cached = { key, view: this.computeView(o) };
    return this.cached.view;
  }

  private computeView(o: ScreenOptions): PlayView {
    const m = this.pos.machine;
    const base = this.baseView();
    const rows = threadRows(layout({ threads: m.threads.length, slots: base.slots.length, locks: base.locks, failures: base.failures.length, over: base.end !== undefined }, o).rowsPerThread, base.end !== undefined);
    const threads = m.threads.map((t): ThreadView => {
      const mine = m.events.filter((e) => e.tid === t.id);
      const recent = mine.slice(-rows.recent).map((e) => this.stepOf(e, true));
      const fatal = m.failures.find((f) => f.tid === t.id && isFatal(f.kind));
      if (t.done || t.pending === null) {
        if (fatal !== undefined) return { id: t.id, name: t.name, status: 'stopped', recent, upcoming: [], note: `stopped: ${fatal.kind}` };
        const left = [...m.locks.heldBy(t.id).map((h) => `still holding ${lockName(h.addr)}`), ...(m.rcu.depth(t.id) > 0 ? ['still inside rcu_read_lock()'] : [])];
        return { id: t.id, name: t.name, status: 'done', recent, upcoming: [], ...(left.length > 0 ? { note: left.join(', ') } : {}) };
      }
      if (!m.isEnabled(t.id)) {
        const holder = m.locks.holderOf(t.pending.a);
        const note = waitsFor(m, t.id);
        return {
          id: t.id, name: t.name, status: 'waiting', recent, next: this.pendingStep(t.pending), upcoming: [],
          ...(note ? { note } : {}),
          ...(holder >= 0 ? { holder: `${m.threadName(holder)}${m.threads[holder].done ? ' (returned)' : ''}` } : {}),
        };
      }
      const ahead = this.over || rows.upcoming === 0 ? [] : this.forecast(t.id, rows.upcoming + 1);
      return {
        id: t.id, name: t.name, status: mine.length === 0 ? 'new' : 'ready', recent,
        next: ahead[0] ?? this.pendingStep(t.pending), upcoming: ahead.slice(1),
      };
    });
    return { ...base, threads };
  }

  private baseView(): Omit<PlayView, 'threads'> {
    const m = this.pos.machine;
    const anonCache = CACHES.findIndex((c) => c.name === 'anon_vma_cachep');
    const slots = [...m.mem.slots.values()].filter((s) => s.cache === anonCache).sort((a, b) => a.base - b.base)
      .map((s) => ({ addr: s.base, inc: s.inc, live: s.live, root: m.mem.get(s.base + ROOT) }));
    const locks = [...m.locks.holders.entries()].filter(([, h]) => h.length > 0).sort((a, b) => a[0] - b[0]).map(([a, h]) => {
      const who = h.map((tid) => {
        const at = m.locks.holding(tid, a)?.at;
        return `${m.threadName(tid)}${at !== undefined ? ` since step ${at}` : ''}${m.threads[tid]?.done ? ', returned' : ''}`;
      });
      return `${lockName(a)}: ${who.join(', ')}`;
    });
    const rcu = m.rcu.readers().map((t) => `${m.threadName(t)} since step ${m.rcu.sectionBegan(t)}`);
    const p = this.play;
    return {
      command: `npm run play ${p.n}`, title: p.title, goal: p.goal, step: this.moves.length,
      slots, locks, rcu, failures: m.failures.map((f) => ({ step: f.step, kind: f.kind, why: f.why })), moves: this.schedule,
      ...(this.pos.end !== undefined ? { end: this.pos.end } : {}),
    };
  }

  /** Thread `tid`'s next `n` steps if it ran on alone from here (replayed, then dropped). */
  private forecast(tid: number, n: number): StepView[] {
    const p = this.replay([...this.moves, ...Array<number>(n).fill(tid)]);
    return p.machine.events.slice(this.moves.length).filter((e) => e.tid === tid).map((e) => this.stepOf(e, false));
  }

  private stepOf(e: StepEvent, done: boolean): StepView {
    return this.stepView(e.name, e.k === 'probe' ? '' : e.obj, done ? e : undefined, e.loc);
  }

  private stepView(name: string, obj: string, done: StepEvent | undefined, loc: string | undefined): StepView {
    const routine = kernelRoutine(loc);
    const source = this.sourceOf(loc);
    const val = done?.value !== undefined ? ` := ${done.value}` : '';
    const res = done?.result !== undefined && done.result !== '' ? ` → ${done.result}` : '';
    return { ...(done ? { step: done.i } : {}), ...(routine ? { routine } : {}), text: `${name}${obj ? ` ${obj}` : ''}${val}${res}`, ...(source ? { source } : {}) };
  }

  private pendingStep(o: Op): StepView {
    const m = this.pos.machine;
    const asObject = o.k === 'free' || o.k === 'call_rcu';
    const obj = o.k === 'alloc' ? (CACHES[o.a]?.name ?? '') : o.k === 'probe' || o.a === 0 ? '' : asObject ? m.mem.describe(o.a) : m.mem.describeField(o.a);
    return this.stepView(o.n ?? o.k, obj, undefined, o.loc);
  }

  /** "2.6.36-rc2.ts:17  yield* spin_lock(root.lock);" for the target code's own steps. */
  private sourceOf(loc: string | undefined): string | undefined {
    if (loc === undefined) return undefined;
    const fixed = this.code.fixLoc(loc);
    const m = /^(.+):(\d+)$/.exec(fixed);
    if (m === null || m[1] !== this.code.file) return undefined;
    const text = this.code.source.split('\n')[Number(m[2]) - 1];
    return text === undefined ? undefined : `${m[1].split(/[\\/]/).pop()}:${m[2]}  ${text.trim()}`;
  }
}

function clipTo(s: string, w: number): string { return s.length <= w ? s : `${s.slice(0, Math.max(0, w - 1))}…`; }
