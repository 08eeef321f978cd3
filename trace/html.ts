// A trace drawn as ONE self-contained HTML page for a projector (`grade --html`, lesson demos):
// threads as swimlanes in an SVG, steps left to right, locks held as bars, each object
// incarnation its own shade, the fatal step marked, the student's source line on hover or click,
// and a step-through slider (← → keys). Inline CSS, JS and SVG only: it opens with no network.
// Pure: Trace (+ options) → string. Every piece of text from the trace is escaped.
import { changedFreedWords, type Trace, type SourceLookup } from './trace';
import type { StepEvent } from '../sim/events';
import { buildModel, describeStep, parseObj, shadeOf, type Model } from './htmlModel';
import { isLockOp } from './lockOps';
import { CLIENT_JS, PAGE_CSS } from './htmlAssets';

export interface HtmlOptions {
  /** The page's heading, e.g. "05-page-lock-anon-vma · 2.6.36-rc2.ts". */
  readonly title?: string;
  /** One line under it: the scenario's summary. */
  readonly summary?: string;
  /** Source text for the student's `file:line` locations (the page does no I/O). */
  readonly source?: SourceLookup;
  /** Files whose lines are the student's own; all located files when absent. */
  readonly studentFiles?: readonly string[];
  /** The command that replays this trace (shown with the schedule). */
  readonly replayCommand?: string;
  /** Source lines shown around the step's own, each side (2 by default). */
  readonly context?: number;
  /** What the failure means in this scenario (ScenarioResult failure.note), under its why. */
  readonly note?: string;
}

/** Bidirectional marks and overrides, shown as escapes (`\u202e`) wherever the page shows text:
 *  a submission's message or comment could otherwise reorder what the reader sees. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
    .replace(BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON for an inline <script>: no "</script>", no line separators that break old parsers, and
 *  the bidirectional controls as the text of their escapes (the page shows strings as text). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
    .replace(BIDI, (c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Src { readonly loc: string; readonly line: number; readonly lines: readonly (readonly [number, string])[] }

function sourceOf(e: StepEvent, o: HtmlOptions): Src | undefined {
  if (e.loc === undefined || e.loc === '') return undefined;
  const m = /^(.+):(\d+)$/.exec(e.loc);
  if (!m) return undefined;
  const [file, line] = [m[1], Number(m[2])];
  if (o.studentFiles !== undefined && !o.studentFiles.some((f) => file.endsWith(f))) return undefined;
  const short = `${file.split(/[\\/]/).pop()}:${line}`;
  const lines: [number, string][] = [];
  const ctx = o.context ?? 2;
  for (let n = Math.max(1, line - ctx); n <= line + ctx; n++) {
    const text = o.source?.(file, n);
    if (text !== undefined) lines.push([n, text.replace(/\s+$/, '')]);
  }
  // With a lookup, a line it does not know is not the student's (a simulator routine's).
  if (o.source !== undefined && !lines.some(([n]) => n === line)) return undefined;
  return { loc: short, line, lines };
}

// ---- geometry -----------------------------------------------------------------------------
const LABEL = 132, TOP = 66, DOT_Y = 20, BAR_Y = 36, BAR_H = 9, BAR_GAP = 3, PAD = 24;

interface Geo { readonly colW: number; readonly x0: number; readonly laneY: readonly number[]; readonly laneH: readonly number[]; readonly width: number; readonly height: number }

function geometry(m: Model, threads: number): Geo {
  const cols = m.columns.length;
  const colW = Math.max(9, Math.min(26, Math.floor((1240 - LABEL - PAD) / cols)));
  const laneH = Array.from({ length: threads }, (_, t) => BAR_Y + Math.max(1, m.slotsPerLane[t] ?? 0) * (BAR_H + BAR_GAP) + 10);
  const laneY: number[] = [];
  let y = TOP;
  for (const h of laneH) { laneY.push(y); y += h; }
  return { colW, x0: LABEL + colW / 2, laneY, laneH, width: LABEL + cols * colW + PAD, height: y + 8 };
}

/** Whether failure k is the one to lead with (compared by value: traces may come from JSON). */
const isLead = (t: Trace, k: number): boolean => t.failure !== undefined && t.failures[k].kind === t.failure.kind && t.failures[k].step === t.failure.step;
const cx = (g: Geo, col: number): number => g.x0 + col * g.colW;
const n1 = (v: number): string => (Math.round(v * 10) / 10).toString();

function stepMark(e: StepEvent, x: number, y: number, r: number, fill: string): string {
  const o = parseObj(e.obj);
  const freed = o?.freed === true ? ' freed' : '';
  const cls = `mark${freed}`;
  if (e.k === 'alloc') return `<path class="${cls}" d="M${n1(x)} ${n1(y - r - 1)}L${n1(x + r + 1)} ${n1(y + r)}L${n1(x - r - 1)} ${n1(y + r)}Z" fill="${fill}"/>`;
  if (e.k === 'free') return `<path class="${cls} cross" d="M${n1(x - r)} ${n1(y - r)}L${n1(x + r)} ${n1(y + r)}M${n1(x + r)} ${n1(y - r)}L${n1(x - r)} ${n1(y + r)}" stroke="${fill}"/>`;
  if (isLockOp(e.k)) return `<rect class="${cls}" x="${n1(x - r)}" y="${n1(y - r)}" width="${n1(2 * r)}" height="${n1(2 * r)}" rx="1.5" fill="${fill}"/>`;
  return `<circle class="${cls}" cx="${n1(x)}" cy="${n1(y)}" r="${n1(r)}" fill="${fill}"/>`;
}

/** `own`: columns of the student's own steps (they have a source line). */
function svg(t: Trace, m: Model, g: Geo, own: ReadonlySet<number>): string {
  const out: string[] = [];
  const bottom = g.height - 8;
  out.push(`<svg id="lanes" xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" role="img" aria-label="${escapeHtml(`${t.threads.length} threads, ${m.columns.length - 1} steps`)}">`);
  t.threads.forEach((name, tid) => {
    out.push(`<g class="lane" data-tid="${tid}"><rect class="lane-bg${tid % 2 ? ' odd' : ''}" x="0" y="${g.laneY[tid]}" width="${g.width}" height="${g.laneH[tid]}"/>`
      + `<text class="lane-name" x="10" y="${g.laneY[tid] + DOT_Y + 5}">${escapeHtml(name)}</text>`
      + `<text class="lane-tid" x="10" y="${g.laneY[tid] + DOT_Y + 21}">T${tid}</text></g>`);
  });
  // Step numbers, every few columns.
  const every = g.colW >= 22 ? 2 : g.colW >= 14 ? 5 : 10;
  for (const c of m.columns) {
    if (c.e === undefined) out.push(`<text class="axis end" x="${n1(cx(g, c.col))}" y="${TOP - 6}">end</text>`);
    else if (c.col % every === 0) out.push(`<text class="axis" x="${n1(cx(g, c.col))}" y="${TOP - 6}">${c.e.i}</text>`);
  }
  // The cursor: the current step's column.
  out.push(`<rect id="cursor" x="${n1(cx(g, 0) - g.colW / 2)}" y="${TOP - 2}" width="${g.colW}" height="${bottom - TOP + 2}" data-col="0"/>`);
  // The order of execution: a thin line through every step, jumping lanes at each switch.
  const pts = m.columns.filter((c) => c.e !== undefined).map((c) => `${n1(cx(g, c.col))},${g.laneY[c.e!.tid] + DOT_Y}`);
  if (pts.length > 1) out.push(`<polyline class="flow" points="${pts.join(' ')}"/>`);
  // Lock bars.
  for (const h of m.holds) {
    const x1 = cx(g, h.from) - 3;
    const x2 = h.open ? cx(g, h.to) + g.colW / 2 : cx(g, h.to) + 3;
    const y = g.laneY[h.tid] + BAR_Y + h.slot * (BAR_H + BAR_GAP);
    const color = shadeOf(m.shades, `${h.base} #1`) ?? m.shades.find((s) => s.base === h.base)?.color ?? '#888';
    const label = `${h.lock}${h.open ? ' (still held)' : h.clearedBy !== undefined ? ` (cleared by ${t.threads[h.clearedBy]})` : ''}`;
    const lw = label.length * 6.2 + 8;
    const text = (x2 - x1) > lw ? `<text class="hold-label" x="${n1(x1 + 4)}" y="${n1(y + BAR_H - 1.5)}">${escapeHtml(label)}</text>` : '';
    out.push(`<g class="hold${h.open ? ' open' : ''}" data-a="${h.from}" data-b="${h.to}" data-x1="${n1(x1)}" data-x2="${n1(x2)}" data-lw="${n1(lw)}">`
      + `<title>${escapeHtml(`${t.threads[h.tid]} holds ${label}`)}</title>`
      + `<rect x="${n1(x1)}" y="${y}" width="${n1(x2 - x1)}" height="${BAR_H}" rx="2" fill="${color}"/>${text}</g>`);
  }
  // Failure lines (behind the marks), the fatal one first; labels on three rows, each placed
  // left or right of its line where it does not collide with a neighbour's.
  const rows: [number, number][][] = [[], [], []];
  const fails = m.columns.flatMap((c) => c.failures.map((k) => ({ col: c.col, k, fatal: c.col === m.fatalCol && isLead(t, k) })))
    .sort((a, b) => Number(b.fatal) - Number(a.fatal) || a.col - b.col);
  for (const { col, k, fatal } of fails) {
    const f = t.failures[k];
    const x = cx(g, col);
    const label = `${fatal ? '✗' : '!'} ${f.kind}`;
    const w = label.length * (fatal ? 8 : 7.4) + 4;
    let place: { row: number; anchor: 'end' | 'start'; l: number; r: number } | undefined;
    for (let row = 0; row < rows.length && place === undefined; row++) {
      for (const [anchor, l, r] of [['end', x + 3 - w, x + 3], ['start', x - 3, x - 3 + w]] as const) {
        if (l < LABEL - 8 || r > g.width) continue;
        if (rows[row].every(([a, b]) => r < a || l > b)) { place = { row, anchor, l, r }; break; }
      }
    }
    if (place !== undefined) rows[place.row].push([place.l, place.r]);
    const y = 14 + (place?.row ?? 0) * 15;
    const text = place === undefined ? '' : `<text x="${n1(place.anchor === 'end' ? x + 3 : x - 3)}" y="${y}" text-anchor="${place.anchor}">${escapeHtml(label)}</text>`;
    out.push(`<g class="failure${fatal ? ' fatal' : ''}" data-col="${col}" data-failure="${k}"><title>${escapeHtml(`${f.kind} at step ${f.step}`)}</title>`
      + `<line x1="${n1(x)}" y1="${y + 3}" x2="${n1(x)}" y2="${bottom}"/>${text}</g>`);
  }
  // Steps.
  const r = Math.max(3, Math.min(7, g.colW / 2 - 1.5));
  for (const c of m.columns) {
    if (c.e === undefined) continue;
    const e = c.e;
    const x = cx(g, c.col), y = g.laneY[e.tid] + DOT_Y;
    const fill = shadeOf(m.shades, e.obj) ?? '#9aa3ad';
    const fatal = c.col === m.fatalCol ? ' fatal' : '';
    out.push(`<g class="step${fatal}${own.has(c.col) ? ' own' : ''}" data-col="${c.col}" data-i="${e.i}" data-tid="${e.tid}">`
      + `<rect class="hit" x="${n1(x - g.colW / 2)}" y="${g.laneY[e.tid]}" width="${g.colW}" height="${BAR_Y - 2}"/>`
      + (fatal ? `<circle class="ring" cx="${n1(x)}" cy="${y}" r="${n1(r + 4)}"/>` : '')
      + stepMark(e, x, y, r, fill) + '</g>');
  }
  for (const b of m.badUnlocks) {
    const x = cx(g, b.col), y = g.laneY[b.tid] + BAR_Y + 4;
    out.push(`<text class="bad-unlock" data-col="${b.col}" x="${n1(x)}" y="${y + 6}"><title>${escapeHtml(`bad unlock of ${b.lock}`)}</title>✗</text>`);
  }
  for (const w of m.waits) {
    const x1 = cx(g, w.from) - g.colW / 2, x2 = cx(g, w.to) + g.colW / 2;
    const y = g.laneY[w.tid] + BAR_Y;
    out.push(`<g class="wait" data-col="${w.to}"><title>${escapeHtml(`${t.threads[w.tid]} ${w.what}`)}</title>`
      + `<rect x="${n1(x1)}" y="${y}" width="${n1(x2 - x1)}" height="${BAR_H}" rx="2"/>`
      + `<text x="${n1(x1 - 4)}" y="${y + BAR_H - 0.5}" text-anchor="end">${escapeHtml(`⟳ ${w.what}`)}</text></g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

function header(t: Trace, o: HtmlOptions): string {
  const f = t.failure;
  const badge = f === undefined ? '<span class="badge ok">no failure</span>' : `<span class="badge bug">BUG: ${escapeHtml(f.kind)}</span>`;
  const title = o.title ?? `scenario ${t.scenario}`;
  const first = f?.report.split('\n').find((l) => /[A-Za-z]/.test(l) && !/^[=-]+$/.test(l.trim())) ?? '';
  return `<header><h1>${badge} ${escapeHtml(title)}</h1>`
    + `<p class="sub">scenario <b>${escapeHtml(t.scenario)}</b>${o.summary ? `: ${escapeHtml(o.summary)}` : ''}</p>`
    + (f ? `<p class="kernel">${escapeHtml(first)} <span class="why">— ${escapeHtml(f.why)}</span></p>` : '')
    + (f && o.note ? `<p class="kernel"><span class="why">In this scenario: ${escapeHtml(o.note)}.</span></p>` : '')
    + `<p class="replay">replay <code id="schedule">${escapeHtml(t.schedule)}</code> · ${t.preemptions} preemption${t.preemptions === 1 ? '' : 's'} · ${t.events.length} steps`
    + (o.replayCommand ? ` · <code id="replay-command">${escapeHtml(o.replayCommand)}</code>` : '') + '</p></header>';
}

function reports(t: Trace, m: Model): string {
  if (t.failures.length === 0) return '<section id="reports"><h2>Kernel report</h2><p>No failure in this run.</p></section>';
  const items = t.failures.map((f, k) => {
    const col = m.columns.find((c) => c.failures.includes(k))?.col ?? m.columns.length - 1;
    const lead = t.failure !== undefined && f.kind === t.failure.kind && f.step === t.failure.step;
    return `<details${lead ? ' open' : ''} class="${lead ? 'lead' : ''}"><summary>${lead ? '✗' : '!'} ${escapeHtml(f.kind)} at step ${f.step}`
      + `${f.tid >= 0 ? ` (${escapeHtml(t.threads[f.tid] ?? `T${f.tid}`)})` : ''} <button class="goto" data-goto="${col}">show</button></summary>`
      + `<pre>${escapeHtml(f.report)}</pre><p class="why">Why this is wrong: ${escapeHtml(f.why)}.</p></details>`;
  });
  return `<section id="reports"><h2>Kernel report${t.failures.length > 1 ? 's' : ''}</h2>${items.join('')}</section>`;
}

function legend(m: Model): string {
  const bases = [...new Set(m.shades.map((s) => s.base))];
  const objs = bases.map((b) => `<span class="obj">${escapeHtml(b)} ${m.shades.filter((s) => s.base === b).map((s) =>
    `<i class="sw" style="background:${s.color}"></i>${s.inc > 0 ? `#${s.inc}` : ''}`).join(' ')}</span>`).join('');
  return `<footer id="legend"><span class="shapes">● access ■ lock op ▲ alloc ✕ free <i class="freed-sw"></i> freed memory ▬ lock held (red dashes: never released)</span>${objs}</footer>`;
}

/** The whole page for one trace. */
export function traceHtml(t: Trace, o: HtmlOptions = {}): string {
  const m = buildModel(t);
  const g = geometry(m, t.threads.length);
  const steps = m.columns.map((c) => {
    if (c.e === undefined) return { end: true, failures: c.failures };
    const src = sourceOf(c.e, o);
    // a step in the student's own helper: where they called it (StepEvent.from)
    const via = src !== undefined && c.e.from !== undefined ? sourceOf({ ...c.e, loc: c.e.from }, o) : undefined;
    return { i: c.e.i, tid: c.e.tid, text: describeStep(c.e), ...(c.e.fn ? { fn: c.e.fn } : {}), ...(c.e.note ? { note: c.e.note } : {}), ...(src ? { src } : {}),
      ...(via ? { via } : {}), ...(c.e.changedFreed !== undefined ? { freed: changedFreedWords(t, c.e) } : {}), failures: c.failures };
  });
  const data = {
    threads: t.threads, steps, colW: g.colW, x0: g.x0, start: m.fatalCol ?? m.columns.length - 1, fatal: m.fatalCol ?? null,
    holds: m.holds.map((h) => ({ tid: h.tid, lock: h.lock, a: h.from, b: h.to, open: h.open })),
    failures: t.failures.map((f) => ({ kind: f.kind, tid: f.tid, step: f.step, why: f.why })),
  };
  const own = new Set(steps.flatMap((s, col) => ('src' in s && s.src !== undefined ? [col] : [])));
  const title = o.title ?? `scenario ${t.scenario}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${t.failure ? `BUG ${t.failure.kind}` : 'trace'} — ${title}`)}</title>
<style>${PAGE_CSS}</style></head>
<body>
${header(t, o)}
<main>
<div id="scroll">${svg(t, m, g, own)}</div>
<div id="controls"><button id="prev" title="previous step (←)">◀</button>
<input id="slider" type="range" min="0" max="${m.columns.length - 1}" step="1" value="${data.start}" aria-label="step">
<button id="next" title="next step (→)">▶</button>
<span id="stepno" aria-live="polite"></span><span class="keys">← → step · Home/End · f: fatal step · click a step</span></div>
<div id="panels"><section id="detail"><h2>Step</h2></section>${reports(t, m)}</div>
</main>
${legend(m)}
<div id="tip" role="tooltip" hidden></div>
<script type="application/json" id="trace-data">${scriptJson(data)}</script>
<script>${CLIENT_JS}</script>
</body></html>
`;
}

/** A page with no trace to draw: everything verified, or the submission could not run. */
export function verdictHtml(o: { readonly title: string; readonly verdict: string; readonly ok: boolean; readonly lines: readonly string[] }): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${o.verdict} — ${o.title}`)}</title><style>${PAGE_CSS}</style></head>
<body class="verdict-page"><header><h1><span class="badge ${o.ok ? 'ok' : 'bug'}" id="verdict">${escapeHtml(o.verdict)}</span> ${escapeHtml(o.title)}</h1></header>
<main><ul class="lines">${o.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></main></body></html>
`;
}
