// The interleaving as a text timeline: one lane per thread, one row per step. A step's text
// starts in its thread's lane and runs right over the (empty) lanes after it; the student's own
// source line follows their steps. The first failure's step is marked ✗, later ones !, and a
// switch to another thread with ·. Fits `width` columns (80 by default). Folded (the default),
// long runs of other threads' steps shrink to a line, and so does a loop that repeats the same
// steps over and over (a spin that ran into the step bound).
import type { Trace, RenderOptions } from './trace';
import type { StepEvent } from '../sim/events';
import { paint, clip, wrapWords } from './style';

const LANE = 3;
const GUTTER = 6;

/** Steps worth showing when a long run of another thread's steps is folded: those that change
 *  an object the focus thread touched, plus any step a failure points at. */
const MUTATING = new Set(['write', 'alloc', 'free', 'spin_lock', 'spin_unlock', 'spin_trylock', 'atomic_add', 'atomic_inc_not_zero',
  'atomic_dec_and_test', 'list_add', 'list_del', 'call_rcu', 'rcu_callbacks', 'mutex_lock', 'mutex_unlock', 'down_write', 'up_write', 'down_read', 'up_read', 'lock_page', 'unlock_page']);

function keepers(t: Trace, focus: number): Set<number> {
  const bases = new Set<string>();
  for (const e of t.events) if (e.tid === focus && e.obj) bases.add(e.obj.split(' ')[0]);
  const keep = new Set<number>();
  for (const e of t.events) {
    if (e.tid === focus || t.failures.some((f) => f.step === e.i)) keep.add(e.i);
    else if (MUTATING.has(e.k) && bases.has(e.obj.split(' ')[0])) keep.add(e.i);
    else if (e.k === 'read' && e.obj.includes('.root') && bases.has(e.obj.split(' ')[0])) keep.add(e.i);
  }
  return keep;
}

/** `wrap: false` (piped): the sentence under a failure found at return stays on one line. */
export function timeline(t: Trace, o: RenderOptions & { fold?: boolean; focus?: number; wrap?: boolean } = {}): string {
  const width = o.width ?? 80;
  const p = paint(o.color ?? false);
  const out: string[] = [];
  const keep = o.fold ? keepers(t, o.focus ?? 0) : undefined;
  const later = new Set(t.failures.map((f) => f.step));
  // Folded, a run that goes on past its only failure (the other threads finish their work) ends
  // at the failure, with a line that counts what followed.
  const lead = t.failure?.step;
  const cut = keep !== undefined && lead !== undefined && !t.failures.some((f) => f.step > lead) ? lead : undefined;
  let after = 0;
  // What to show, in order: a step, or a run of another thread's steps folded into a line.
  const items: Item[] = [];
  for (const e of t.events) {
    if (cut !== undefined && e.i > cut) { after++; continue; }
    const prev = items[items.length - 1];
    if (keep !== undefined && !keep.has(e.i)) {
      if (prev !== undefined && 'fold' in prev && prev.tid === e.tid) { prev.fold++; prev.e = e; }
      else items.push({ fold: 1, tid: e.tid, e });
      continue;
    }
    items.push({ e });
  }
  const shown = keep === undefined ? items : foldRepeats(items, later);
  out.push(clip(`threads: ${t.threads.map((name, i) => `${i}=${name}`).join('  ')}`, width));
  out.push(p.dim(`${'step'.padEnd(GUTTER)}${t.threads.map((_, i) => String(i).padEnd(LANE)).join('')}`));
  const first = t.failure?.step;
  let last = -1;
  for (const it of shown) {
    if ('repeat' in it) {
      out.push(`${' '.repeat(GUTTER)}${p.dim('│  '.repeat(it.tid))}${p.dim(clip(`┆ the same ${it.period === 1 ? 'step' : `${it.period} steps`} again, ${it.repeat} more time${it.repeat > 1 ? 's' : ''} (steps ${it.from}–${it.to})`, width - GUTTER - 3 * it.tid))}`);
    } else if ('fold' in it && it.fold > 1) {
      out.push(`${' '.repeat(GUTTER)}${p.dim('│  '.repeat(it.tid))}${p.dim(`┆ ${it.fold} more steps of ${t.threads[it.tid] ?? it.tid}`)}`);
    } else row(it.e);
  }
  if (after > 0) out.push(`${' '.repeat(GUTTER)}${p.dim(`┆ then ${after} more step${after > 1 ? 's' : ''}, and no other failure`)}`);
  function row(e: Trace['events'][number]): void {
    const isFirst = e.i === first;
    const mark = isFirst ? p.red('✗') : later.has(e.i) ? p.yellow('!') : e.tid !== last && last >= 0 ? '·' : ' ';
    const lanes = '│  '.repeat(e.tid);
    const room = width - GUTTER - lanes.length - 2;
    const text = clip(describe(e), room);
    out.push(`${String(e.i).padStart(4)}${mark} ${p.dim(lanes)}${p.bold('●')} ${isFirst ? p.red(text) : text}`);
    const src = sourceLine(e, o);
    if (src !== undefined) out.push(`${' '.repeat(GUTTER)}${p.dim(lanes)}${p.cyan(clip(`  ${src}`, width - GUTTER - lanes.length))}`);
    // the step is in a helper of the student's: where they called it
    const via = src === undefined || e.from === undefined ? undefined : sourceLine({ ...e, loc: e.from }, o);
    if (via !== undefined) out.push(`${' '.repeat(GUTTER)}${p.dim(lanes)}${p.cyan(clip(`  called from ${via}`, width - GUTTER - lanes.length))}`);
    // a failure found as the thread returned sits on its last step, which did nothing wrong
    if (isFirst && t.failure !== undefined && t.failure.tid === e.tid && AT_RETURN.has(t.failure.kind)) {
      // in full, over as many lines as it takes: it is the sentence that says what went wrong
      for (const l of wrapWords(`↳ then ${t.failure.why}`, o.wrap === false ? Infinity : width - GUTTER - lanes.length - 2, 7)) out.push(`${' '.repeat(GUTTER)}${p.dim(lanes)}  ${p.red(l)}`);
    }
    last = e.tid;
  }
  for (const f of t.failures) {
    if (t.events.some((e) => e.i === f.step)) continue;
    const who = t.threads[f.tid] ?? 'a thread';
    const what = f.kind === 'hang' ? 'no thread can run: the machine hangs here'
      // a replay that stalled, recorded up to the step where it did (grader/sandbox/host.ts)
      : f.kind === 'timeout' ? `${who} takes this step, and its code never reaches another yield*`
        : f.kind === 'memory' ? `${who} takes this step, and its code runs out of memory`
          : f.kind === 'livelock' ? `${f.why}: the run stops here`
            : f.kind === 'exception' && f.loc !== undefined ? `${who} threw the exception at ${sourceLine({ ...t.events[0], loc: f.loc }, o) ?? f.loc}`
              : `${f.kind} at the end of the run`;
    // the lead by value: a copy of the trace (escaped, or its lines mapped) has copies of both
    const lead = t.failure !== undefined && f.kind === t.failure.kind && f.step === t.failure.step && f.tid === t.failure.tid;
    out.push(`${String(f.step).padStart(4)}${lead ? p.red('✗') : p.yellow('!')} ${clip(what, width - GUTTER)}`);
  }
  return out.join('\n');
}

type Item = { e: StepEvent } | { fold: number; tid: number; e: StepEvent } | { repeat: number; period: number; tid: number; from: number; to: number };

/** The longest loop body folded: a spin is a step or two (a trylock, a re-read); a retry loop
 *  that re-reads, locks, re-checks and unlocks is five or six. */
const MAX_PERIOD = 16;

/** A step as it reads in the timeline, its number aside: two alike are the same line twice. */
function signature(e: StepEvent): string { return JSON.stringify([e.tid, e.name, e.obj, e.value ?? null, e.result ?? null, e.loc ?? null, e.from ?? null]); }

/** Fold a loop: where one thread's shown steps repeat a cycle of at most MAX_PERIOD steps at
 *  least three times in a row (no failure among them), keep the first cycle and say how many
 *  more there were. */
function foldRepeats(items: readonly Item[], failed: ReadonlySet<number>): Item[] {
  const sig = items.map((it) => ('fold' in it || 'repeat' in it || failed.has(it.e.i) ? undefined : signature(it.e)));
  const out: Item[] = [];
  for (let i = 0; i < items.length;) {
    let best = 0, bestP = 0;
    if (sig[i] !== undefined) {
      for (let per = 1; per <= MAX_PERIOD; per++) {
        let m = 0; // steps after the first cycle that repeat the one `per` before them
        while (i + per + m < items.length && sig[i + per + m] !== undefined && sig[i + per + m] === sig[i + m]) m++;
        const cycles = Math.floor(m / per);
        if (cycles >= 2 && cycles * per > best) { best = cycles * per; bestP = per; }
      }
    }
    if (bestP === 0) { out.push(items[i]); i++; continue; }
    for (let k = 0; k < bestP; k++) out.push(items[i + k]);
    const a = items[i + bestP] as { e: StepEvent }, b = items[i + bestP + best - 1] as { e: StepEvent };
    out.push({ repeat: best / bestP, period: bestP, tid: a.e.tid, from: a.e.i, to: b.e.i });
    i += bestP + best;
  }
  return out;
}

/** Failures the machine finds as a thread returns, marked on the thread's last step. */
const AT_RETURN: ReadonlySet<string> = new Set(['lock-held-at-return', 'rcu-imbalance']);

function describe(e: StepEvent): string {
  const obj = e.obj ? ` ${e.obj}` : '';
  const val = e.value !== undefined ? ` := ${e.value}` : '';
  const res = e.result !== undefined && e.result !== '' ? ` → ${e.result}` : '';
  return `${e.name}${obj}${val}${res}`;
}

/** "file.ts:14  const root = ..." for the student's own steps, when the source is known. */
export function sourceLine(e: StepEvent, o: RenderOptions): string | undefined {
  if (e.loc === undefined || o.source === undefined) return undefined;
  const m = /^(.+):(\d+)$/.exec(e.loc);
  if (!m) return undefined;
  const file = m[1];
  if (o.studentFiles !== undefined && !o.studentFiles.some((f) => file.endsWith(f))) return undefined;
  const text = o.source(file, Number(m[2]));
  return text === undefined ? undefined : `${file.split(/[\\/]/).pop()}:${m[2]}  ${text.trim()}`;
}
