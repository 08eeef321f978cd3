// The `npm run play` screen, drawn from plain data (PlayView, made by play.ts): each thread's
// recent steps, its next step highlighted (the walker's with its source line) and, room
// permitting, what would follow; who waits for what; the anon_vma slots by address and
// incarnation; who holds which lock; who is inside RCU; the failures so far; the moves.
// Fits `width` × `height` with room left for the prompt (80×24 by default). Returns text.
import { paint, clip } from '../trace/style';

export interface StepView {
  /** Global step number, for steps already made. */
  readonly step?: number;
  /** The modelled kernel routine the step is in ("anon_vma_lock"), for kernel threads. */
  readonly routine?: string;
  /** "spin_lock anon_vma@0x40 #2 .lock → …": the operation, its object, what it did. */
  readonly text: string;
  /** "2.6.36-rc2.ts:17  yield* spin_lock(root.lock);" for the target code's own steps. */
  readonly source?: string;
}

export type ThreadStatus = 'new' | 'ready' | 'waiting' | 'done' | 'stopped';

export interface ThreadView {
  readonly id: number;
  readonly name: string;
  readonly status: ThreadStatus;
  /** Its last steps, oldest first. */
  readonly recent: readonly StepView[];
  readonly next?: StepView;
  /** What it would do after `next` if it ran on alone (a forecast, not a promise). */
  readonly upcoming: readonly StepView[];
  /** What it waits for; or what it left behind when it returned; or what stopped it. */
  readonly note?: string;
  /** Who holds the lock it waits for ("walker, which has returned"). */
  readonly holder?: string;
}

export interface SlotView { readonly addr: number; readonly inc: number; readonly live: boolean; readonly root: number }

export interface PlayView {
  readonly command: string;
  readonly title: string;
  readonly goal: string;
  readonly step: number;
  readonly threads: readonly ThreadView[];
  readonly slots: readonly SlotView[];
  readonly locks: readonly string[];
  readonly rcu: readonly string[];
  readonly failures: readonly { readonly step: number; readonly kind: string; readonly why: string }[];
  readonly moves: string;
  /** Why the run is over, once it is. */
  readonly end?: string;
}

export interface ScreenOptions { readonly width: number; readonly height: number; readonly color: boolean }

/** Rows the prompt below the screen takes: the question, ≤ 4 threads, undo, quit. */
export const PROMPT_ROWS = 7;
const LABEL = 10;
const MAX_FAILURES = 3;

/** How many steps of each kind a thread's block shows, for `rows` rows per thread (once the
 *  run is over, nothing is upcoming: all recent). */
export function threadRows(rows: number, over = false): { recent: number; upcoming: number } {
  const r = Math.max(2, Math.min(6, rows));
  return over ? { recent: r - 1, upcoming: 0 } : { recent: Math.ceil((r - 1) / 2), upcoming: Math.floor((r - 1) / 2) };
}

export interface Layout { readonly rowsPerThread: number; readonly failures: number }

/** Share the height out: every thread at least 2 rows, the latest failures (up to 3, at least
 *  1), then more rows per thread (up to 6), leaving PROMPT_ROWS for the prompt (if any). */
export function layout(n: { threads: number; slots: number; locks: readonly string[]; failures: number; over: boolean }, o: ScreenOptions): Layout {
  const fixed = 3 + slotRows(n.slots, o.width) + lockLines(n.locks, o.width).length + 1 + 1 + (n.over ? 0 : PROMPT_ROWS);
  const threads = Math.max(1, n.threads);
  const failures = n.failures === 0 ? 0 : Math.max(1, Math.min(MAX_FAILURES, n.failures, o.height - fixed - 2 * threads));
  const rowsPerThread = Math.max(2, Math.min(6, Math.floor((o.height - fixed - failures) / threads)));
  return { rowsPerThread, failures };
}

function lockLines(locks: readonly string[], w: number): string[] {
  return wrapItems('locks', locks.length > 0 ? locks : ['none held'], w, 2, ' · ');
}

function slotRows(n: number, width: number): number {
  const perRow = Math.max(1, Math.floor((width - LABEL - 2) / 26));
  return Math.max(1, Math.ceil(n / perRow));
}

const hex = (a: number): string => `0x${a.toString(16)}`;

export function renderScreen(v: PlayView, o: ScreenOptions): string {
  const p = paint(o.color);
  const w = o.width;
  const out: string[] = [];
  const lay = layout({ threads: v.threads.length, slots: v.slots.length, locks: v.locks, failures: v.failures.length, over: v.end !== undefined }, o);
  const rows = threadRows(lay.rowsPerThread, v.end !== undefined);
  const head = `${v.command} · ${v.title} · step ${v.step}`;
  const tail = v.end !== undefined ? `over: ${v.end}` : `goal: ${v.goal}`;
  out.push(p.bold(clip(head.length + tail.length + 3 <= w ? `${head}${' '.repeat(w - head.length - tail.length)}${tail}` : `${head} · ${tail}`, w)));
  out.push(p.dim('─'.repeat(w)));
  for (const t of v.threads) out.push(...threadBlock(t, rows, o));
  out.push(p.dim('─'.repeat(w)));
  out.push(...wrapItems('anon_vma', v.slots.map((s) => `${hex(s.addr)} #${s.inc} ${s.live ? `live, root ${hex(s.root)}` : 'free'}`), w, slotRows(v.slots.length, w), '   '));
  out.push(...lockLines(v.locks, w));
  out.push(...wrapItems('RCU', v.rcu.length > 0 ? [`inside rcu_read_lock(): ${v.rcu.join(', ')}`] : ['nobody inside rcu_read_lock()'], w, 1, ''));
  const shown = lay.failures === 0 ? [] : v.failures.slice(-lay.failures);
  for (const f of shown) out.push(p.red(clip(`${'!'.padEnd(LABEL)}${f.step} ${f.kind}: ${f.why}`, w)));
  out.push(clip(`${'moves'.padEnd(LABEL)}${leftClip(`${v.step}: ${v.moves}`, w - LABEL)}`, w));
  return out.join('\n');

  function threadBlock(t: ThreadView, r: { recent: number; upcoming: number }, so: ScreenOptions): string[] {
    const lines: string[] = [];
    const recent = t.recent.slice(-r.recent);
    const pad = r.recent - recent.length;
    for (let i = 0; i < pad; i++) lines.push(i === pad - 1 && t.recent.length === 0 ? p.dim('    (not started)') : '');
    for (const s of recent) lines.push(p.dim(stepLine(`${String(s.step ?? '').padStart(3)} `, s, so.width - LABEL - 1)));
    const upcoming = t.upcoming.slice(0, r.upcoming).map((u) => p.dim(stepLine('    ', u, so.width - LABEL - 1)));
    if (t.next !== undefined && t.status === 'waiting') {
      // the wait gets a line of its own where there is room, else it follows the step
      const own = r.upcoming > 0 && t.note !== undefined;
      const inline = !own && t.holder !== undefined ? ` — held by ${t.holder}` : '';
      const next: StepView = inline ? { text: `${t.next.text}${inline}` } : t.next;
      lines.push(p.yellow(stepLine('  ⏸ ', next, so.width - LABEL - 1)));
      if (own) lines.push(p.yellow(clip(`      waits ${t.note}`, so.width - LABEL - 1)));
    } else if (t.next !== undefined) {
      lines.push(p.bold(p.cyan(stepLine('  ▶ ', t.next, so.width - LABEL - 1))));
      lines.push(...upcoming);
    } else {
      lines.push(t.status === 'stopped' ? p.red(`  ✗ ${t.note ?? 'stopped'}`) : `  ✓ returned${t.note ? ` — ${t.note}` : ''}`);
    }
    while (lines.length < r.recent + 1 + r.upcoming) lines.push('');
    // the name beside the last step made, the status beside the next one
    const label = (i: number): string => (i === r.recent - 1 ? `${t.id} ${t.name}` : i === r.recent ? (t.status === 'new' ? 'ready' : t.status) : '');
    return lines.map((l, i) => `${clip(label(i), LABEL - 2).padEnd(LABEL - 1)}${p.dim('│')}${clipVisible(l, so.width - LABEL)}`.trimEnd());
  }
}

/** A step as one line: routine › operation, then (room permitting) its source line. */
export function stepString(s: StepView): string { return `${s.routine ? `${s.routine} › ` : ''}${s.text}`; }

function stepLine(prefix: string, s: StepView, room: number): string {
  const base = `${prefix}${stepString(s)}`;
  if (s.source === undefined) return clip(base, room);
  return clip(`${base}   ${s.source}`, room);
}

/** Clip a line that may carry ANSI codes (one styled span) to `w` visible columns. */
function clipVisible(s: string, w: number): string {
  const m = /^(\u001b\[[\d;]*m)*([\s\S]*?)((?:\u001b\[[\d;]*m)*)$/.exec(s);
  if (m === null) return s;
  const lead = s.slice(0, s.length - m[2].length - m[3].length);
  return `${lead}${clip(m[2], w)}${m[3]}`;
}

function leftClip(s: string, w: number): string { return s.length <= w ? s : `…${s.slice(s.length - w + 1)}`; }

/** "label    item · item", wrapped onto at most `maxRows` rows. */
function wrapItems(label: string, items: readonly string[], w: number, maxRows: number, sep: string): string[] {
  const rows: string[] = [];
  let line = '';
  for (const it of items) {
    if (line !== '' && LABEL + line.length + sep.length + it.length > w) { rows.push(line); line = it; } else line = line === '' ? it : `${line}${sep}${it}`;
  }
  if (line !== '') rows.push(line);
  const kept = rows.slice(0, maxRows);
  if (rows.length > maxRows) kept[maxRows - 1] = `${kept[maxRows - 1]} …`;
  return kept.map((r, i) => clip(`${(i === 0 ? label : '').padEnd(LABEL)}${r}`, w));
}
