// `npm run play N`: you are the scheduler (course/play.ts). Pick the next thread with the arrow
// keys and Enter until something breaks or every thread ends; then the timeline and the replay
// string exercise 04 grades. `npm run play N -- --moves 'v1:...'` plays a schedule without
// asking and prints the last screen (no terminal needed).
// Exit: 0 done or quit; 2 unknown N, bad --moves, or not a terminal; 130 Ctrl-C.
// The only place that touches the terminal, argv and the environment (NO_COLOR) for play.
import './pipe';
import * as fs from 'fs';
import { PassThrough } from 'stream';
import { digitsToPositions, findPlay, playNumbers, BadMoves, PlayGame, type Choice, type PlayTerminal } from '../course/play';
import { traceHtml } from '../trace/html';
import { playMoves, runPlay } from '../course/playSession';
import { parseArgs, UsageError, userPaths } from './args';

const USAGE = `usage: npm run play N                       you are the scheduler (needs a terminal)
       npm run play N -- --moves 'v1:...'    play a schedule and print the last screen
       npm run play N -- --moves 'v1:...' --html PATH   ...and draw it as a page
       npm run play N -- --html PATH                    play, then draw your run as a page
play scenarios: ${playNumbers().join(', ')}`;

function out(s: string): void { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`); }
function die(msg: string, code = 2): never { process.stderr.write(`play: ${msg}\n`); process.exit(code); }

function terminal(): PlayTerminal {
  const { stdin, stdout } = process;
  process.on('exit', () => stdout.write('\u001b[?25h')); // the prompt hides the cursor
  return {
    clear: () => stdout.write('\u001b[2J\u001b[3J\u001b[H'),
    write: (text) => stdout.write(text),
    choose: async (message: string, choices: readonly Choice[], defaultValue: string) => {
      const { select } = await import('@inquirer/prompts');
      // q and u act at once, as the footer says (the prompt alone would only move to them)
      const stop = new AbortController();
      let pressed = '';
      const input = threadDigits(stdin, choices, (k) => {
        const v = k === 'q' ? 'quit' : k === 'u' ? 'undo' : '';
        if (v !== '' && choices.some((c) => c.value === v)) { pressed = v; stop.abort(); return true; }
        return false;
      });
      try {
        return await select(
          { message, choices: [...choices], default: defaultValue, loop: false, pageSize: choices.length, theme: { helpMode: 'never' } },
          { input, output: stdout, clearPromptOnDone: true, signal: stop.signal },
        );
      } catch (err) {
        if (err instanceof Error && err.name === 'ExitPromptError') return 'interrupt';
        if (err instanceof Error && err.name === 'AbortPromptError' && pressed !== '') return pressed;
        throw err;
      } finally {
        input.detach();
      }
    },
  };
}

/** The terminal's keys as the select prompt reads them, but a digit picks the thread with that
 *  number (digitToPosition), as the menu shows them, not the n-th line; a key `act` takes (true)
 *  goes no further. */
function threadDigits(stdin: NodeJS.ReadStream, choices: readonly Choice[], act: (key: string) => boolean): PassThrough & { detach(): void } {
  const pass = new PassThrough();
  const onData = (b: Buffer): void => {
    const text = b.toString('utf8');
    if (act(text)) return;
    const s = digitsToPositions(text, choices);
    if (s !== '') pass.write(s);
  };
  stdin.on('data', onData);
  stdin.resume();
  // the prompt sets the terminal's raw mode through its input
  return Object.assign(pass, {
    isTTY: true,
    setRawMode: (on: boolean) => { stdin.setRawMode(on); return pass; },
    detach: () => { stdin.off('data', onData); stdin.pause(); },
  });
}

async function main(argv: readonly string[]): Promise<number> {
  let a;
  try { a = parseArgs(argv, { flags: ['help'], options: ['moves', 'html'] }); } catch (e) {
    if (e instanceof UsageError) die(`${e.message}\n${USAGE}`);
    throw e;
  }
  if (a.flags.has('help')) { out(USAGE); return 0; }
  userPaths(a, ['html']);
  if (a.positional.length !== 1) die(`expected one play scenario number; play scenarios: ${playNumbers().join(', ')}`);
  const play = findPlay(a.positional[0]);
  if (play === undefined) die(`no play scenario "${a.positional[0]}"; play scenarios: ${playNumbers().join(', ')}`);
  const tty = process.stdout.isTTY === true;
  const color = tty && !process.env.NO_COLOR;
  const moves = a.options.get('moves');
  if (moves !== undefined) {
    try {
      out(playMoves(play, moves, { width: 80, height: 24, color }));
      const html = a.options.get('html');
      if (html !== undefined) {
        const game = new PlayGame(play);
        game.playAll(moves);
        fs.writeFileSync(html, traceHtml(game.trace(), { title: `npm run play ${play.n}` }));
        out(`Drawn: ${html}`);
      }
    } catch (e) {
      if (e instanceof BadMoves) die(`--moves: ${e.message}`);
      throw e;
    }
    return 0;
  }
  if (!tty || process.stdin.isTTY !== true) {
    process.stderr.write(`play needs a terminal (without one, replay a schedule: npm run play ${play.n} -- --moves 'v1:...')\n`);
    return 2;
  }
  const size = { width: Math.min(120, Math.max(60, process.stdout.columns || 80)), height: Math.max(20, process.stdout.rows || 24) };
  const html = a.options.get('html');
  return runPlay(play, terminal(), { ...size, color }, html === undefined ? undefined : (game) => {
    fs.writeFileSync(html, traceHtml(game.trace(), { title: `npm run play ${play.n}` }));
    return `Drawn: ${html}`;
  });
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`play: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
