// The interactive lesson as a student meets it: the real CLI in a real terminal (tmux),
// driven by keys, checked by what the screen shows and what progress.json records.
// tmux is required (CI installs it): if it is missing, this fails with a message, not a skip.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_LESSONS, REPO, TS_NODE } from './cliHelpers';
import { STALE_MS } from '../../cli/terminal';

const FOOTER = (k: number, last = false) =>
  `section ${k}/4 — Enter: ${last ? 'finish' : 'next'} · b: back · q: quit`;

/** ts-node compiles a CLI and what it imports at each start: 20 s and more on a loaded 2-core
 *  machine (cliHelpers.ts). */
const FIRST_SCREEN_MS = 60_000;

let dir: string;
let home: string;
let socket: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-u', '-f', '/dev/null', '-S', socket, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
}

/** Start `npm run lesson 3`'s command in a fresh 100x40 session; report its exit and tty mode after. */
function startLesson(session: string): void {
  const script = path.join(dir, `${session}.sh`);
  fs.writeFileSync(
    script,
    [
      `cd '${REPO}'`,
      `env -u CI -u NO_COLOR ANON_VMA_LAB_LESSONS='${FIXTURE_LESSONS}' ANON_VMA_LAB_HOME='${home}' '${TS_NODE}' -T cli/lesson.ts 3`,
      'echo "[exit $?]"',
      "if stty -a | grep -q -- '-icanon'; then echo '[tty raw]'; else echo '[tty cooked]'; fi",
      'sleep 300',
    ].join('\n') + '\n',
  );
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '40', `sh '${script}'`);
}

function screen(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** Poll the screen until it shows every expected string (or fail showing what it does show).
 *  Then wait as a reader would before the next key: after a demo runs, the lesson drops keys
 *  that reach it within STALE_MS of its next read (typed while it was busy), and a key sent the
 *  moment the footer appears could be one of them. (The wait is ten times that: the lesson
 *  starts its read right after drawing the footer, unless a loaded machine holds it up.) */
async function waitFor(session: string, ...expected: string[]): Promise<string> {
  return waitForWithin(15_000, session, ...expected);
}

/** waitFor with a deadline of its own: a program's first screen waits for ts-node to compile
 *  it, which takes far longer on a loaded machine than any screen after. */
async function waitForWithin(ms: number, session: string, ...expected: string[]): Promise<string> {
  const deadline = Date.now() + ms;
  let shown = '';
  while (Date.now() < deadline) {
    shown = screen(session);
    if (expected.every((e) => shown.includes(e))) {
      await new Promise((r) => setTimeout(r, 10 * STALE_MS));
      return shown;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${JSON.stringify(expected)}; the screen shows:\n${shown}`);
}

function keys(session: string, ...k: string[]): void {
  for (const key of k) tmux('send-keys', '-t', session, key);
}

function saved(): unknown {
  return JSON.parse(fs.readFileSync(path.join(home, '.anon-vma-lab', 'progress.json'), 'utf8')).lessons['3'];
}

beforeAll(() => {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error('tmux is not installed: the interactive lesson test needs it (apt-get install -y tmux)');
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-tmux-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(home);
  socket = path.join(dir, 'tmux.sock');
});

afterAll(() => {
  if (socket !== undefined) spawnSync('tmux', ['-S', socket, 'kill-server']);
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run lesson 3 in a terminal', () => {
  test('a section at a time: Enter, b, a quiz, q; progress saved; terminal restored', async () => {
    startLesson('first');
    let s = await waitForWithin(FIRST_SCREEN_MS, 'first', FOOTER(1));
    expect(s).toContain('anon-vma-lab · lesson 3: SLAB_DESTROY_BY_RCU');
    expect(s).toContain('# SLAB_DESTROY_BY_RCU: the object may be someone else now');
    expect(s).not.toContain('The cache that frees late');

    keys('first', 'Enter');
    s = await waitFor('first', FOOTER(2));
    expect(s).toContain('## The cache that frees late');
    expect(s).toContain('kmem_cache_free() may hand the same address'); // inline markdown rendered
    expect(s).not.toContain('**');
    expect(s).toContain('[demo fixture-demo-that-does-not-exist is not available yet]');
    expect(s).not.toContain('# SLAB_DESTROY_BY_RCU: the object');
    expect(saved()).toMatchObject({ section: 2, sections: 4, finished: false });

    keys('first', 'b');
    s = await waitFor('first', FOOTER(1));
    expect(s).not.toContain(FOOTER(2));
    expect(saved()).toMatchObject({ section: 1 });

    keys('first', 'Enter');
    await waitFor('first', FOOTER(2));
    keys('first', 'Enter');
    s = await waitFor('first', '## Check your reading', 'Quiz 1:', 'a) the same object', 'c) memory that is never reused');
    expect(s).not.toContain(FOOTER(3)); // the footer waits for the answer
    // Enter alone (pressed to turn the page) picks nothing, so it answers nothing
    keys('first', 'Enter');
    await new Promise((r) => setTimeout(r, 1000));
    s = screen('first');
    expect(s).not.toContain(FOOTER(3));
    expect(s).not.toMatch(/^› Quiz 1:/m);
    keys('first', 'Down', 'Enter');
    s = await waitFor('first', FOOTER(3));
    expect(s).toContain('✓ Right. yes: that is why you must recheck identity after taking a lock');
    // the answered question is marked neither right nor wrong by the prompt itself (inquirer's
    // green tick would mark a wrong answer too): the line below it says which
    expect(s).toMatch(/^› Quiz 1:/m);
    expect(s).not.toContain('✔');
    expect(saved()).toMatchObject({ section: 3, quiz: { '1': { choice: 1, correct: true } } });

    keys('first', 'q');
    s = await waitFor('first', '[exit 0]', '[tty ');
    expect(s).toContain('Progress saved at section 3/4');
    expect(s).toContain('[tty cooked]');
  });

  test('the next run resumes there, says so, offers to start over; Ctrl-C restores the terminal', async () => {
    startLesson('second');
    let s = await waitForWithin(FIRST_SCREEN_MS, 'second', `${FOOTER(3)} · r: start over`);
    expect(s).toContain('Welcome back: resuming where you left off, at section 3/4.');
    expect(s).toContain('You answered b) memory of the same type'); // the quiz is not asked again

    keys('second', 'r');
    s = await waitFor('second', FOOTER(1));
    expect(s).not.toContain('start over');
    expect(saved()).toMatchObject({ section: 1, quiz: {} });

    keys('second', 'Enter');
    await waitFor('second', FOOTER(2));
    keys('second', 'C-c');
    s = await waitFor('second', '[exit ', '[tty ');
    expect(s).toContain('[exit 130]');
    expect(s).toContain('[tty cooked]');
    expect(saved()).toMatchObject({ section: 2 });
  });

  test('q at a quiz quits as the footer says: progress kept, exit 0, terminal restored', async () => {
    startLesson('third');
    await waitForWithin(FIRST_SCREEN_MS, 'third', `${FOOTER(2)} · r: start over`);
    keys('third', 'Enter');
    await waitFor('third', 'Quiz 1:', 'a) the same object');
    keys('third', 'q');
    const s = await waitFor('third', '[exit ', '[tty ');
    expect(s).toContain('Progress saved at section 3/4');
    expect(s).toContain('[exit 0]');
    expect(s).toContain('[tty cooked]');
    expect(saved()).toMatchObject({ section: 3, quiz: {} });
  });
});

describe('npm run play 4 in a terminal', () => {
  test('a digit picks the thread with that number, as the menu shows them (not the n-th line); q quits at once', async () => {
    const script = path.join(dir, 'play.sh');
    fs.writeFileSync(script, [
      `cd '${REPO}'`,
      `env -u CI -u NO_COLOR '${TS_NODE}' -T cli/play.ts 4`,
      'echo "[exit $?]"',
      "if stty -a | grep -q -- '-icanon'; then echo '[tty raw]'; else echo '[tty cooked]'; fi",
      'sleep 300',
    ].join('\n') + '\n');
    tmux('new-session', '-d', '-s', 'play', '-x', '100', '-y', '40', `sh '${script}'`);
    await waitForWithin(FIRST_SCREEN_MS, 'play', 'Step 0: who runs next?', '2 fork');
    keys('play', '2');
    expect((await waitFor('play', '❯ 2 fork')).split('\n').filter((l) => l.startsWith('❯'))).toHaveLength(1);
    keys('play', 'Enter');
    await waitFor('play', 'Step 1: who runs next?');
    keys('play', '0');
    await waitFor('play', '❯ 0 walker');
    keys('play', 'Enter');
    await waitFor('play', 'Step 2: who runs next?');
    keys('play', 'q'); // at once, as the footer says: no Enter
    const s = await waitFor('play', '[exit ', '[tty ');
    expect(s).toContain("npm run play 4 -- --moves 'v1:2,0'");
    expect(s).toContain('[exit 0]');
    expect(s).toContain('[tty cooked]');
  });
});
