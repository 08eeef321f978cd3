// The report a student reads: the verdict in one line; then the smallest failing scenario in
// full — the kernel-style message, why it is wrong, the lockdep-shaped table, the interleaving
// as a timeline with their own source lines, and the command that replays it; then one line
// per other scenario, each saying its reach. 80 columns; colour only when asked.
import type { Failure } from '../../sim/failure';
import type { GradeResult, ScenarioResult } from '../result';
import { timeline } from '../../trace/timeline';
import { lockTable } from '../../trace/lockTable';
import { harmlessData, harmlessLines, oneLine, paint, visible, wrapCommand, wrapWords } from '../../trace/style';
import { changedFreedWords, type SourceLookup } from '../../trace/trace';

export interface TextOptions {
  readonly color?: boolean;
  readonly width?: number;
  readonly source?: SourceLookup;
  /** How to write the replay command for this submission. */
  readonly replayCommand?: (s: ScenarioResult) => string;
  /** Show every step instead of folding long runs of kernel threads. */
  readonly full?: boolean;
  /** Wrap the prose lines at `width` (a terminal); otherwise each stays one line, as a file or
   *  a platform that wraps for itself wants it. The kernel's message, the tables and the
   *  timeline are laid out to the width either way. */
  readonly wrap?: boolean;
}

function plural(n: number, w: string): string { return `${n} ${w}${n === 1 ? '' : 's'}`; }

/** Order failing scenarios smallest first: fewest preemptions, then fewest steps. */
export function smallestFailure(r: GradeResult): ScenarioResult | undefined {
  const bugs = r.scenarios.filter((s) => s.verdict === 'BUG' || s.verdict === 'ERROR');
  return [...bugs].sort((a, b) => (a.failure?.preemptions ?? 99) - (b.failure?.preemptions ?? 99) || (a.failure?.steps ?? 1e9) - (b.failure?.steps ?? 1e9))[0];
}

/** A scenario's line in the list; `shownAbove`: its failure's message is already printed in
 *  full above it, so an ERROR line keeps only its first sentence. */
export function scenarioLine(s: ScenarioResult, color = false, shownAbove = false): string {
  const p = paint(color);
  // a hidden scenario is graded by the course staff only: say so where it is shown
  const pts = `(${s.points}/${s.max_points}${s.hidden ? ', hidden' : ''})`;
  switch (s.verdict) {
    case 'VERIFIED': return `${p.green('✓')} ${s.name} ${pts}: VERIFIED — ${s.reach ?? 'every interleaving class explored'}`;
    case 'NO_BUG_WITHIN': return `${p.yellow('~')} ${s.name} ${pts}: no bug within ${s.reach ?? 'the budget'}`;
    case 'BUG': {
      const f = s.failure!;
      const mark = s.points === s.max_points && s.max_points > 0 ? p.green('✓') : p.red('✗');
      return `${mark} ${s.name} ${pts}: BUG ${f.kind} — ${plural(f.preemptions, 'preemption')}, ${plural(f.steps, 'step')}`;
    }
    case 'ERROR': {
      const message = s.failure?.message ?? s.reach ?? '';
      const cut = message.indexOf('. ');
      return `${p.red('✗')} ${s.name} ${pts}: ${s.failure?.kind ?? 'error'} — ${shownAbove && cut > 0 ? `${message.slice(0, cut)} (above)` : message}`;
    }
  }
}

/** For a submission that is the exercise's stub unchanged (GradeResult.unchanged_stub): the
 *  sentence every report says it with. */
export function stubNote(r: GradeResult): string {
  return `This file is the exercise's stub as the course ships it, unchanged: ${r.score > 0 ? `its ${plural(r.score, 'point')} ${r.score === 1 ? 'is' : 'are'} what the starting code earns` : 'the starting code earns nothing'}.`;
}

export function renderText(result: GradeResult, o: TextOptions = {}): string {
  // what the submission wrote is shown, never obeyed (control characters escaped)
  const r = harmlessData(result);
  if (o.source !== undefined) o = { ...o, source: harmlessLines(o.source) };
  const p = paint(o.color ?? false);
  const width = o.width ?? 80;
  const lines: string[] = [];
  /** The report's lines; with `wrap`, a prose line is wrapped, later lines indented by `indent`. */
  const out = {
    push: (...xs: string[]): void => { lines.push(...xs); },
    /** (a line that fits is kept as it is: a report's columns stay aligned) */
    prose: (s: string, indent = 0): void => {
      if (o.wrap !== true) { lines.push(s); return; }
      for (const l of s.split('\n')) {
        const lead = l.length - l.trimStart().length;
        lines.push(...(visible(l) <= width ? [l] : wrapWords(l, width, Math.max(indent, lead + 2), lead)));
      }
    },
    command: (lead: string, cmd: string): void => {
      if (o.wrap === true) lines.push(...wrapWords(lead, width, 0), ...wrapCommand(cmd, '  ', 4, width)); else lines.push(`${lead} ${cmd}`);
    },
  };
  const head = r.verdict === 'pass' ? p.green('PASS') : r.verdict === 'fail' ? p.red('FAIL') : p.red('ERROR');
  out.prose(`${head} ${r.exercise}: ${r.score}/${r.max_score} points — ${oneLine(r.submission)}`, 2);
  if (r.unchanged_stub === true) out.prose(p.dim(`(${stubNote(r)})`), 1);
  if (r.verdict === 'error') {
    out.prose(`${r.error_kind ?? 'error'}: ${r.error ?? ''}`, 2);
    return lines.join('\n');
  }
  const first = smallestFailure(r);
  if (first !== undefined && first.failure !== undefined) {
    const f = first.failure;
    out.push('');
    out.prose(p.bold(`Scenario "${first.name}": ${first.summary}`));
    if (first.verdict === 'BUG') {
      const reach = f.own ? `Your schedule makes it fail with ${plural(f.preemptions, 'preemption')} (${plural(f.steps, 'step')} to the failure).`
        : f.preemptions === 0 ? 'It fails without any preemption.'
        : f.minimal ? `The bug needs ${plural(f.preemptions, 'preemption')}, and no schedule with fewer fails this way (${plural(f.steps, 'step')} to the failure).`
          : `This schedule makes it fail with ${plural(f.preemptions, 'preemption')} (${plural(f.steps, 'step')} to the failure); whether fewer would do was not settled.`;
      out.prose(reach);
      out.push('');
      out.prose(f.message);
      out.push('');
      // (a schedule exercise's goal is to break the kernel: there the failure is not the student's fault)
      out.prose(`${p.bold(f.own ? 'What went wrong:' : 'Why this is wrong:')} ${f.why}.`);
      if (f.note !== undefined) out.prose(`${p.bold('In this scenario:')} ${f.note}.`);
      const tr = first.trace;
      const cause = tr?.failures.find((x) => x.kind === 'contract' && x.step < (tr.failure?.step ?? Infinity));
      if (cause !== undefined) {
        const whose = /^BUG: contract of (.+) violated/.exec(cause.report)?.[1];
        out.prose(`${p.bold('Where it began:')} at step ${cause.step}, ${whose !== undefined ? `the check of ${whose}'s contract failed: ` : ''}${cause.why}.`);
      } else {
        const revived = tr?.events.find((e) => e.changedFreed !== undefined && e.i < (tr.failure?.step ?? Infinity));
        if (revived !== undefined) out.prose(`${p.bold('Where it began:')} at step ${revived.i}, ${changedFreedWords(tr!, revived)}.`);
      }
      // What else broke, before or after the failure shown, is a ! in the trace: say what.
      const shown = (x: Failure): boolean => x === cause || (x.kind === tr?.failure?.kind && x.step === tr?.failure?.step);
      const at = tr?.failure?.step ?? Infinity;
      const before = tr?.failures.filter((x) => !shown(x) && x.step < at) ?? [];
      const later = tr?.failures.filter((x) => !shown(x) && x.step >= at) ?? [];
      for (const [head, xs] of [['Before it, in the same run:', before], ['Then, in the same run:', later]] as const) {
        if (xs.length === 0) continue;
        out.push(p.bold(head));
        for (const x of xs) out.prose(`  step ${x.step} (${x.kind}): ${x.why}.`, 4);
      }
      if (tr !== undefined) {
        const table = lockTable(tr, width - 6); // the table adds a "  [NN]" step column
        if (table !== undefined) { out.push(''); out.push(table); }
        out.push('');
        out.prose(p.bold('The interleaving (● a step; · another thread runs; ✗ the failure; ! another failure; ┆ steps folded away; "check: …" steps are the grader\'s checks):'), 0);
        out.push(timeline(tr, { width, color: o.color, source: o.source, fold: !o.full, focus: 0, wrap: o.wrap === true }));
      }
      if (o.replayCommand) { out.push(''); out.command('Replay this run (on the file as it is now):', o.replayCommand(first)); }
    } else {
      out.prose(f.message);
      // a stall or a memory overrun placed on the search's schedule (sandbox/host.ts)
      if (f.schedule !== '' && o.replayCommand) { out.push(''); out.command('Replay that schedule (on the file as it is now; the replay stops at the same step):', o.replayCommand(first)); }
    }
  }
  // a scenario that ran a given schedule without breaking anything still shows what it did
  for (const s of r.scenarios) {
    if (s === first || s.trace === undefined || s.verdict === 'BUG') continue;
    out.push('');
    out.prose(p.bold(`Scenario "${s.name}": what the schedule did (nothing broke):`));
    out.push(timeline(s.trace, { width, color: o.color, source: o.source, fold: !o.full, focus: 0 }));
  }
  out.push('');
  for (const s of r.scenarios) out.prose(scenarioLine(s, o.color, s === first), 4);
  if (r.skipped_hidden) out.prose(p.dim(`(${plural(r.skipped_hidden, 'hidden scenario')} not run here: the course staff's grader runs ${r.skipped_hidden === 1 ? 'it' : 'them'})`), 1);
  return lines.join('\n');
}
