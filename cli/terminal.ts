// The real terminal behind an interactive lesson: raw-mode keys, screen clearing, and quizzes
// through @inquirer/prompts (loaded only when a quiz is asked, to keep start-up fast). It puts
// the terminal back as it found it on every way out: normal exit, Ctrl-C, SIGTERM, a crash.
import { PassThrough } from 'stream';
import { decodeKey, splitKeys, type Key, type LessonTerminal } from '../course/session';

export interface RealTerminal extends LessonTerminal {
  restore(): void;
}

/** Keys typed within this many ms of a read that follows a busy spell (settle) were typed
 *  during it: no one answers a screen that fast. */
export const STALE_MS = 30;

/** The keys of a raw-mode stream, one at a time. After `settle()` (the program was busy, and
 *  the screen was not what the reader saw), keys that were waiting when the next read began
 *  are dropped: Enter pressed while a demo ran must not skip the pages it draws. `now` is the
 *  clock (tests give their own). */
export function keyReader(stdin: Pick<NodeJS.ReadStream, 'setRawMode' | 'setEncoding' | 'once' | 'pause' | 'resume'>, now: () => number = Date.now) {
  const queue: string[] = [];
  let stale = false;
  const next = (): Promise<string> =>
    new Promise((resolve) => {
      if (stale) queue.length = 0;
      const fromQueue = queue.shift();
      if (fromQueue !== undefined) return resolve(fromQueue);
      stdin.setRawMode(true);
      stdin.setEncoding('utf8');
      const from = now(), drop = stale;
      stale = false;
      const onData = (data: string | Buffer): void => {
        let got = splitKeys(String(data));
        // (but q and Ctrl-C, pressed to leave while it was busy, still count)
        if (drop && now() - from < STALE_MS) got = got.filter((k) => { const d = decodeKey(k); return d === 'quit' || d === 'interrupt'; });
        if (got.length === 0) { stdin.once('data', onData); return; }
        stdin.pause();
        queue.push(...got);
        resolve(queue.shift() ?? '');
      };
      stdin.once('data', onData);
      stdin.resume();
    });
  return { queue, next, settle: (): void => { stale = true; } };
}

export function createTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): RealTerminal {
  const keys = keyReader(stdin);
  const { queue, next: nextKey } = keys;
  let restored = false;

  const restore = (): void => {
    if (restored) return;
    restored = true;
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    stdout.write('\u001b[?25h'); // cursor visible again
  };
  const onSignal = (code: number) => () => {
    restore();
    stdout.write('\n');
    process.exit(code);
  };
  process.on('exit', restore);
  process.on('SIGINT', onSignal(130));
  process.on('SIGTERM', onSignal(143));
  process.on('SIGHUP', onSignal(129));

  return {
    restore,
    settle: keys.settle,
    clear: () => stdout.write('\u001b[2J\u001b[H'),
    write: (text) => stdout.write(text),
    readKey: async (): Promise<Key> => decodeKey(await nextKey()),
    choose: async (message, choices) => {
      queue.length = 0; // keys typed before the question are not answers
      const { select } = await import('@inquirer/prompts');
      // The prompt reads the keys through a filter: q (as everywhere in a lesson) or Escape
      // quits (inquirer has no key for it), and Enter answers only once a choice was picked
      // (a letter or an arrow): Enter pressed to turn the page must not answer the quiz.
      const stop = new AbortController();
      const input = Object.assign(new PassThrough(), {
        isTTY: true,
        setRawMode: (on: boolean) => { if (stdin.isTTY) stdin.setRawMode(on); return input; },
      });
      let picked = false;
      const onData = (d: string | Buffer): void => {
        for (const k of splitKeys(String(d))) {
          if (decodeKey(k) === 'quit') { stop.abort(); return; }
          if (k === '\r' || k === '\n') { if (!picked) continue; } else picked = true;
          input.write(k);
        }
      };
      stdin.on('data', onData);
      stdin.resume();
      try {
        const answer = await select(
          // answered, the question keeps a neutral mark: inquirer's default is a green tick,
          // which a wrong quiz answer would get too
          { message, choices: choices.map((name, value) => ({ name, value })), loop: false, theme: { prefix: { idle: '?', done: '›' } } },
          { input, output: stdout, clearPromptOnDone: false, signal: stop.signal },
        );
        return answer;
      } catch (err) {
        if (err instanceof Error && err.name === 'ExitPromptError') return 'interrupt';
        if (err instanceof Error && err.name === 'AbortPromptError') { stdout.write('\n'); return 'quit'; }
        throw err;
      } finally {
        stdin.off('data', onData);
        stdin.pause();
        if (stdin.isTTY) stdin.setRawMode(true); // inquirer leaves cooked mode behind
      }
    },
  };
}
