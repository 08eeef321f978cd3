// Running a game of `npm run play`: the interactive loop (the terminal is injected: the CLI
// supplies @inquirer/prompts, tests a fake, so this never touches process.stdin/stdout), the
// `--moves` replay, and what is printed at the end — the kernel's reports, the timeline of
// what the player did, the replay string and how to submit it to the bug-hunt exercise.
import { creditOf, targetScenario, traceOf } from '../grader/scheduleGrade';
import type { Failure } from '../sim/failure';
import { timeline } from '../trace/timeline';
import { paint } from '../trace/style';
import { PlayGame, type PlayScenario, type PlayTerminal } from './play';
import { renderScreen, type ScreenOptions } from './playScreen';
import { fitWidth, wrap } from './demoKit';

/** The whole screen for the game's current state. */
export function screen(game: PlayGame, o: ScreenOptions): string { return renderScreen(game.view(o), o); }

/** What ended the run, the kernel's words for it, the timeline, and what to do next. */
export function endText(game: PlayGame, o: ScreenOptions): string {
  const p = paint(o.color);
  const m = game.position.machine;
  const max = game.exercise.scenarios.reduce((a, s) => a + s.points, 0);
  const { points, failure } = creditOf(game.target, max, m.failures);
  const trace = traceOf(targetScenario(game.target).name, game.position, game.code, failure);
  const out: string[] = [''];
  if (m.failures.length > 0) out.push(p.bold('What the kernel said:'), '');
  for (const f of m.failures) out.push(p.red(fitWidth(f.report, o.width)), wrap(`Why this is wrong: ${f.why}.`, o.width), '');
  out.push(p.bold('What you did (● a step; ✗ what ended it; ! a warning on the way):'));
  const lines = game.code.source.split('\n');
  out.push(timeline(trace, {
    width: o.width, color: o.color, studentFiles: [game.code.file],
    source: (file, line) => (file === game.code.file ? lines[line - 1] : undefined),
  }), '');
  out.push(p.bold(wrap(verdictLine(game.position.end ?? '', failure, points, max, game.exercise.id), o.width)));
  out.push(...submitLines(game));
  return out.join('\n');
}

/** What a player who stops early gets: the moves so far, to come back to. */
export function quitText(game: PlayGame): string {
  return [`Stopped at step ${game.step}. Replay string so far: ${game.schedule}`,
    '(Graded or replayed, a schedule runs on without preemption after its last step.)',
    `See it again: npm run play ${game.play.n} -- --moves '${game.schedule}'`].join('\n');
}

function submitLines(game: PlayGame): string[] {
  const n = game.exercise.id.slice(0, 2);
  return [
    `Replay string: ${game.schedule}`,
    `Submit it (exercise ${n}): put it in ${game.exercise.stub},`,
    `  then run npm run check ${Number(n)} (or, for any FILE: npm run grade -- ${n} FILE).`,
    `See it again: npm run play ${game.play.n} -- --moves '${game.schedule}'`,
  ];
}

function verdictLine(end: string, failure: Failure | undefined, points: number, max: number, id: string): string {
  const what = failure === undefined ? `The run ended (${end}) and nothing broke.` : failure.kind === 'hang' ? 'The machine hung.' : `The run ended (${end}) with ${failure.kind}.`;
  return `${what} Exercise ${id} gives this schedule ${points}/${max}.`;
}

/** How to answer the prompt, on its line. */
export const KEYS = '(number or ↑↓, Enter · u: undo · q: quit)';

/** `--moves`: play a schedule without asking, and return what the last screen shows (plus, if
 *  the run is over, how it ended). Throws BadMoves for a schedule that does not fit. */
export function playMoves(play: PlayScenario, moves: string, o: ScreenOptions): string {
  const game = new PlayGame(play);
  game.playAll(moves);
  const s = screen(game, o);
  if (game.over) return `${s}\n${endText(game, o)}`;
  const en = game.position.machine.enabled().map((t) => game.position.machine.threadName(t));
  return `${s}\n\nNot over yet: ${en.join(', ')} can run. Replay string: ${game.schedule}\n`
    + '(Graded or replayed, a schedule runs on without preemption after its last step.)';
}

/** The interactive game. Returns the exit code: 0 (over, or quit), 130 (Ctrl-C). `atEnd`
 *  runs once the game is over or left (e.g. to draw it as a page) and may add a line. */
export async function runPlay(play: PlayScenario, term: PlayTerminal, o: ScreenOptions, atEnd?: (game: PlayGame) => string): Promise<number> {
  const game = new PlayGame(play);
  const finish = (): void => { if (atEnd !== undefined && game.step > 0) term.write(`${atEnd(game)}\n`); };
  for (;;) {
    term.clear();
    term.write(`${screen(game, o)}\n`);
    if (game.over) { term.write(`${endText(game, o)}\n`); finish(); return 0; }
    const { choices, default: dflt } = game.choices(o);
    // (the prompt's own help line is off: the keys are said here, on the line asked)
    const answer = await term.choose(`Step ${game.step}: who runs next? ${KEYS}`, choices, dflt);
    if (answer === 'interrupt' || answer === 'quit') {
      term.write(`\n${quitText(game)}\n`);
      finish();
      return answer === 'interrupt' ? 130 : 0;
    }
    if (answer === 'undo') game.undo();
    else game.move(Number(answer));
  }
}

