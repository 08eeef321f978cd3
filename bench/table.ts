// The bench's one table, at most 100 columns, plus the header (machine, Node, date) and a few
// notes on rows that need them. Pure: takes the report, returns lines.
import type { Report } from './report';
import { MIN_TIMED_MS, Row } from './measure';
import { MAX_NS_PER_STEP, overStepTarget } from './targets';

const SHORT: Record<string, string> = { 'use-after-free': 'uaf', 'lock-held-at-return': 'lock-held', 'sleep-in-atomic': 'sleep-atomic', 'spinlock-recursion': 'recursion' };

function int(x: number | null): string { return x === null ? '—' : String(x); }
function ms(x: number | null): string { return x === null ? '—' : x < 10 ? x.toFixed(1) : x < 99999.5 ? String(Math.round(x)) : `${Math.round(x / 1000)}s`; }
/** A ratio in three characters: 5.7, 12. */
function times(x: number | null): string { return x === null ? '—' : x < 9.95 ? x.toFixed(1) : String(Math.round(x)); }
function ratio(x: number | null): string { return x === null ? '—' : x.toFixed(2); }
function verdict(r: Row): string { return r.verdict === 'BUG' ? `BUG ${SHORT[r.failure ?? ''] ?? r.failure}` : r.verdict; }

interface Col { readonly h: string; readonly w: number; readonly left?: boolean; readonly get: (r: Row) => string }
const COLS: readonly Col[] = [
  { h: 'scenario', w: 18, left: true, get: (r) => r.name },
  { h: 'naive', w: 6, get: (r) => int(r.naive_executions) },
  { h: 'traces', w: 6, get: (r) => int(r.distinct_traces) },
  { h: 'dpor', w: 6, get: (r) => int(r.dpor_executions) },
  { h: 'ratio', w: 5, get: (r) => ratio(r.dpor_ratio) },
  { h: 'blk', w: 6, get: (r) => int(r.blocked) },
  { h: 'verdict', w: 14, left: true, get: verdict },
  { h: 'ms', w: 5, get: (r) => ms(r.ms) },
  { h: 'ns/st', w: 5, get: (r) => int(r.ns_per_step === null ? null : Math.round(r.ns_per_step)) },
  { h: '×fl', w: 3, get: (r) => times(r.floor_ratio) },
  { h: 'bug ms', w: 6, get: (r) => ms(r.first_bug_ms) },
  { h: 'pre', w: 3, get: (r) => int(r.preemptions) },
  { h: 'steps', w: 5, get: (r) => int(r.steps) },
];

function cell(c: Col, s: string): string {
  const t = s.length > c.w ? s.slice(0, c.w - 1) + '…' : s;
  return c.left ? t.padEnd(c.w) : t.padStart(c.w);
}
function line(cells: readonly string[]): string { return cells.join(' ').trimEnd(); }

function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur !== '' && cur.length + 1 + w.length > width) { out.push(cur); cur = indent + w; } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** A spread of the rows' floors at which the table says the host's speed changed (a quiet
 *  host's floor moves by less; this one's was seen to flip between about 117 and 235 within
 *  seconds). */
const FLOOR_MOVED = 1.3;

/** The lowest and highest of the rows' floors (Row.floor_ns), or null when none was sampled. */
export function floorRange(rows: readonly Row[]): [number, number] | null {
  const fs = rows.map((r) => r.floor_ns).filter((f): f is number => f !== null && f > 0);
  return fs.length === 0 ? null : [Math.min(...fs), Math.max(...fs)];
}

export function table(rep: Report): string[] {
  const h = rep.machine;
  const out: string[] = [];
  out.push(...wrap(`anon-vma-lab bench · ${rep.date} · Node ${rep.node} · ${h.cpu} × ${h.cpus}, ${h.memory_gib} GiB · ${h.platform}`, 100, '  '));
  out.push(...wrap(`times: median of up to ${rep.runs} run${rep.runs > 1 ? 's' : ''}${rep.isolated ? ', each scenario in a process of its own after a warm-up' : ', every scenario in one process'} · budget ${rep.budget_ms} ms per scenario · naive capped at ${rep.naive_cap} executions`, 100, '  '));
  out.push('');
  out.push(line(COLS.map((c) => cell(c, c.h))));
  out.push(line(COLS.map((c) => '-'.repeat(c.w))));
  for (const r of rep.scenarios) out.push(line(COLS.map((c) => cell(c, c.get(r)))));
  out.push('');
  out.push('naive: executions of naive enumeration; traces: the distinct interleaving classes (Mazurkiewicz');
  out.push('traces) among them; dpor: DPOR executions run to the end (stopOnBug: false); ratio: dpor/traces;');
  out.push('blk: executions abandoned as sleep-set blocked; verdict, ms: explore() with proveMinimal; ns/st:');
  out.push('DPOR time per step of the executions it explored (a step it restored rather than re-ran counts:');
  out.push(`see notes; a search shorter than ${MIN_TIMED_MS} ms is repeated within a run and averaged); ×fl: ns/st over`);
  out.push('the floor below at 3 generators deep, sampled in the same process just before and after each');
  out.push('timed run (run by run, median): the figure to compare between runs on a busy host; bug ms: search');
  out.push('time to the first bug; pre, steps: the shrunk counterexample. —: over a cap.');
  if (rep.floor.length > 0) {
    out.push(...wrap(`floor: a bare scheduler (no simulator, no analysis) costs ${rep.floor.map((f) => `${f.ns_per_step}`).join(' / ')} ns/step `
      + `with steps ${rep.floor.map((f) => f.depth).join(' / ')} generators deep; the kernel model's are 1 to 4 deep.`, 100, ''));
  }
  const range = floorRange(rep.scenarios);
  if (range !== null) {
    const [lo, hi] = range, x = hi / lo;
    out.push(...wrap(`The rows' own floors (3 deep) ranged ${Math.round(lo)}–${Math.round(hi)} ns/step in this run`
      + (x >= FLOOR_MOVED ? `: the host's speed changed ×${x.toFixed(1)} while the bench ran, so compare rows by ×fl, not ns/st.` : '.'), 100, ''));
  }
  if (rep.targets.length > 0) {
    out.push('', `targets (issue 3; its ${MAX_NS_PER_STEP} ns/step was set where a bare scheduler cost 50–90 ns/step):`);
    for (const t of rep.targets) {
      const mark = t.met === null ? 'not run' : t.met ? 'met' : 'NOT MET';
      out.push(...wrap(`${mark.padEnd(9)}${t.what}: ${t.detail}`, 98, ' '.repeat(9)).map((l) => `  ${l}`));
    }
    // what the simulator alone costs on the rows over the step target: the part no analysis adds
    const slow = overStepTarget(rep.scenarios).filter((r) => r.sim_ns_per_step !== null);
    if (slow.length > 0) {
      out.push(...wrap(`The same rows' schedules replayed in full on fresh machines, with no analysis (the simulator alone), cost `
        + `${slow.map((r) => `${r.name} ${r.sim_ns_per_step}`).join(', ')} ns/step.`, 98, '').map((l) => `  ${l}`));
    }
  }
  const notes: string[] = [];
  for (const r of rep.scenarios) {
    const bits: string[] = [];
    if (r.failure === 'memory') bits.push(`${r.failure_why ?? 'out of memory'}${r.steps === 0 ? ' (at setup, before any step)' : ''}`);
    if (r.reason !== null) bits.push(r.reason);
    if (r.naive_note !== null && !r.name.startsWith('seed')) bits.push(`naive: ${r.naive_note}`);
    if (r.covered === false) bits.push('DPOR MISSED a class naive enumeration found');
    if (!r.stable) bits.push('counts or verdict CHANGED between runs');
    if (r.dpor_performed !== null && r.dpor_steps !== null && r.dpor_steps > 0 && !r.code.startsWith('bench/synthetic')) {
      bits.push(`DPOR ran ${r.dpor_performed} of its ${r.dpor_steps} steps (${Math.round((100 * r.dpor_performed) / r.dpor_steps)}%) and restored the rest`
        + (r.dpor_fed !== null ? `, feeding ${r.dpor_fed} answers to threads it started over` : '')
        + (r.sim_ns_per_step !== null ? `; its schedules replayed in full on fresh machines, with no analysis, cost ${r.sim_ns_per_step} ns/step` : ''));
    }
    if (r.runs < rep.runs || r.dpor_runs < rep.runs) bits.push(`runs within the budget: ${r.runs} explore, ${r.dpor_runs} counting`);
    if (bits.length > 0) notes.push(...wrap(`${r.name}: ${bits.join('; ')}`, 98, '    '));
  }
  if (notes.length > 0) out.push('', 'notes:', ...notes.map((n) => (n.startsWith('    ') ? n : `  ${n}`)));
  return out;
}
