// The interleaving as a text timeline: one lane per thread, one row per step. A step's text
// starts in its thread's lane and runs right over the (empty) lanes after it; the student's own
// source line follows their steps. The first failure's step is marked ✗, later ones !, and a
// switch to another thread with ·. Fits `width` columns (80 by default).
import type { Trace, RenderOptions } from './trace';
import type { StepEvent } from '../sim/events';
import { paint, clip } from './style';

const LANE = 3;
const GUTTER = 6;

export function timeline(t: Trace, o: RenderOptions = {}): string {
  const width = o.width ?? 80;
  const p = paint(o.color ?? false);
  const out: string[] = [];
  out.push(clip(`threads: ${t.threads.map((name, i) => `${i}=${name}`).join('  ')}`, width));
  out.push(p.dim(`${'step'.padEnd(GUTTER)}${t.threads.map((_, i) => String(i).padEnd(LANE)).join('')}`));
  const later = new Set(t.failures.map((f) => f.step));
  const first = t.failure?.step;
  let last = -1;
  for (const e of t.events) {
    const isFirst = e.i === first;
    const mark = isFirst ? p.red('✗') : later.has(e.i) ? p.yellow('!') : e.tid !== last && last >= 0 ? '·' : ' ';
    const lanes = '│  '.repeat(e.tid);
    const room = width - GUTTER - lanes.length - 2;
    const text = clip(describe(e), room);
    out.push(`${String(e.i).padStart(4)}${mark} ${p.dim(lanes)}${p.bold('●')} ${isFirst ? p.red(text) : text}`);
    const src = sourceLine(e, o);
    if (src !== undefined) out.push(`${' '.repeat(GUTTER)}${p.dim(lanes)}${p.cyan(clip(`  ${src}`, width - GUTTER - lanes.length))}`);
    last = e.tid;
  }
  if (t.failure && first !== undefined && !t.events.some((e) => e.i === first)) {
    const what = t.failure.kind === 'hang' ? 'no thread can run: the machine hangs here' : `${t.failure.kind} at the end of the run`;
    out.push(`${String(first).padStart(4)}${p.red('✗')} ${p.red(clip(what, width - GUTTER))}`);
  }
  return out.join('\n');
}

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
