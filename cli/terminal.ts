// The real terminal behind an interactive lesson: raw-mode keys, screen clearing, and quizzes
// through @inquirer/prompts (loaded only when a quiz is asked, to keep start-up fast). It puts
// the terminal back as it found it on every way out: normal exit, Ctrl-C, SIGTERM, a crash.
import { decodeKey, splitKeys, type Key, type LessonTerminal } from '../course/session';

export interface RealTerminal extends LessonTerminal {
  restore(): void;
}

export function createTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): RealTerminal {
  const queue: string[] = [];
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

  const nextKey = (): Promise<string> =>
    new Promise((resolve) => {
      const fromQueue = queue.shift();
      if (fromQueue !== undefined) return resolve(fromQueue);
      stdin.setRawMode(true);
      stdin.setEncoding('utf8');
      stdin.once('data', (data: string | Buffer) => {
        stdin.pause();
        queue.push(...splitKeys(String(data)));
        resolve(queue.shift() ?? '');
      });
      stdin.resume();
    });

  return {
    restore,
    clear: () => stdout.write('\u001b[2J\u001b[H'),
    write: (text) => stdout.write(text),
    readKey: async (): Promise<Key> => decodeKey(await nextKey()),
    choose: async (message, choices) => {
      queue.length = 0; // keys typed before the question are not answers
      const { select } = await import('@inquirer/prompts');
      // q (as everywhere in a lesson) or Escape quits at a quiz too: inquirer has no key for it,
      // so a listener beside it aborts the prompt
      const stop = new AbortController();
      const onData = (d: string | Buffer): void => { if (decodeKey(String(d)) === 'quit') stop.abort(); };
      stdin.on('data', onData);
      try {
        const answer = await select(
          // answered, the question keeps a neutral mark: inquirer's default is a green tick,
          // which a wrong quiz answer would get too
          { message, choices: choices.map((name, value) => ({ name, value })), loop: false, theme: { prefix: { idle: '?', done: '›' } } },
          { input: stdin, output: stdout, clearPromptOnDone: false, signal: stop.signal },
        );
        return answer;
      } catch (err) {
        if (err instanceof Error && err.name === 'ExitPromptError') return 'interrupt';
        if (err instanceof Error && err.name === 'AbortPromptError') { stdout.write('\n'); return 'quit'; }
        throw err;
      } finally {
        stdin.off('data', onData);
        if (stdin.isTTY) stdin.setRawMode(true); // inquirer leaves cooked mode behind
      }
    },
  };
}
