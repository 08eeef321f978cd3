// `npm run play 4` as a player and an instructor meet it: `--moves` prints the last screen of
// a schedule; without a terminal it says it needs one; in a real terminal (tmux), the seed is
// played to a hang by arrow keys and Enter, and the replay string it prints scores full marks
// in exercise 04 — the Done-when of issue 6.
// tmux is required (CI installs it): if it is missing, the tmux test fails with a message.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, TS_NODE } from './cliHelpers';
import { BadMoves, digitToPosition, digitsToPositions, findPlay, PlayGame } from '../../course/play';
import { KEYS, playMoves, runPlay } from '../../course/playSession';
import type { Choice, PlayTerminal } from '../../course/play';
import { PROMPT_ROWS } from '../../course/playScreen';
import { decode } from '../../explorer/schedule';
import { findExercise } from '../../exercises/index';
import { gradeFile } from '../../grader/grade';

/** The seed hang (test/sim/seed.test.ts's schedule, played out to the end). */
const HANG = 'v1:0*5,1*12,0,2*19,0*7,2*20,3*4';
const PLAY4 = findPlay('4')!;

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

/** `ts-node -T cli/play.ts ARGS`: stdin closed, stdout a pipe (not a TTY). */
function runPlayCli(args: readonly string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  return new Promise((resolve) => {
    const child = execFile(TS_NODE, ['-T', 'cli/play.ts', ...args], { cwd: REPO, env, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }));
    child.stdin?.end();
  });
}

const FINAL_SCREEN = `npm run play 4 · the seed on Linux 2.6.36-rc2 · step 68   over: the machine hung
────────────────────────────────────────────────────────────────────────────────
         │ 42 rcu_read_unlock   2.6.36-rc2.ts:25  yield* rcu_read_unlock();
0 walker │ 43 unlock_page page@0x4000 #1 .flags
done     │  ✓ returned — still holding &anon_vma@0x40->lock
         │ 15 anon_vma_free_root › READ_ONCE anon_vma@0x40 #1 .root → anon_vma…
1 exit   │ 16 anon_vma_free › kmem_cache_free anon_vma@0x40 #1 (free)
done     │  ✓ returned
         │ 62 anon_vma_unlock › spin_unlock anon_vma@0x80 #1 .lock
2 fork   │ 63 unlink_anon_vmas › list_del vma@0x2080 #1 .anon_vma_chain := ano…
done     │  ✓ returned
         │ 66 anon_vma_prepare › WRITE_ONCE anon_vma@0x40 #3 .root := anon_vma…
3 fault  │ 67 anon_vma_lock › READ_ONCE anon_vma@0x40 #3 .root → anon_vma@0x40
waiting  │  ⏸ spin_lock anon_vma@0x40 #3 .lock — held by walker (returned)
────────────────────────────────────────────────────────────────────────────────
anon_vma  0x40 #3 live, root 0x40   0x80 #1 live, root 0x80
locks     &anon_vma@0x40->lock: walker since step 37, returned
RCU       nobody inside rcu_read_lock()
!         41 bad-unlock: walker released a lock that nobody holds: it unlocked …
!         43 lock-held-at-return: walker returned still holding a lock that nob…
!         68 hang: every live thread waits for something that will never happen
moves     68: v1:0*5,1*12,0,2*19,0*7,2*20,3*4`;

const runs: Record<string, Run> = {};
beforeAll(async () => {
  const cases: Record<string, string[]> = {
    hang: ['4', '--moves', HANG],
    noTty: ['4'],
    unknown: ['9'],
  };
  await Promise.all(Object.entries(cases).map(async ([name, args]) => { runs[name] = await runPlayCli(args); }));
}, 180_000);

describe('npm run play 4 -- --moves (no terminal needed)', () => {
  test('the seed hang: the final screen, the kernel\'s reports, the timeline, the replay string', () => {
    const { code, stdout, stderr } = runs.hang;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.startsWith(`${FINAL_SCREEN}\n`)).toBe(true);
    expect(stdout).toContain('WARNING: bad unlock balance detected!');
    expect(stdout).toContain('INFO: task hung: every live thread is waiting and none can run');
    expect(stdout).toMatch(/fault spins in spin_lock\(&anon_vma@0x40->lock\), held by walker\s+since\s+step\s+37/);
    expect(stdout).toMatch(/^ {2}37· ● spin_lock anon_vma@0x40 #2 \.lock\n {8}2\.6\.36-rc2\.ts:17 {2}yield\* spin_lock\(root\.lock\);$/m);
    expect(stdout).toContain('  68✗ no thread can run: the machine hangs here');
    expect(stdout).toContain('The machine hung. Exercise 04-bug-hunt gives this schedule 5/5.');
    expect(stdout).toContain(`Replay string: ${HANG}\n`);
    expect(stdout).toContain('put it in exercises/04-bug-hunt/schedule.txt,\n  then run npm run check 4');
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  test('midway: who waits for what, who holds which lock, who is inside RCU', () => {
    const out = playMoves(PLAY4, 'v1:0*6,1*4', { width: 80, height: 24, color: false });
    expect(out).toContain('waiting  │  ⏸ spin_lock anon_vma@0x40 #1 .lock — held by exit');
    expect(out).toContain('ready    │  ▶ unlink_anon_vmas › list_del anon_vma@0x40 #1 .head');
    expect(out).toMatch(/^locks {5}&anon_vma@0x40->lock: exit since step 9$/m);
    expect(out).toMatch(/^RCU {7}inside rcu_read_lock\(\): walker since step 2$/m);
    expect(out).toContain('Not over yet: exit, fork, fault can run. Replay string: v1:0*6,1*4');
    // the screen and a prompt of 4 threads, undo and quit fit 24 rows
    expect(out.split('\n\n')[0].split('\n').length + PROMPT_ROWS).toBeLessThanOrEqual(24);
  });

  test('a move that cannot be made: one line saying which and why', () => {
    expect(() => playMoves(PLAY4, 'v1:0*6,1*4,0', { width: 80, height: 24, color: false })).toThrow(new BadMoves(
      'step 10: walker cannot run here (it is waiting for &anon_vma@0x40->lock, held by exit); runnable: 1=exit, 2=fork, 3=fault'));
    expect(() => playMoves(PLAY4, 'v1:0*6,x', { width: 80, height: 24, color: false })).toThrow(BadMoves);
  });

  test('not a terminal: one line, exit 2', () => {
    const { code, stdout, stderr } = runs.noTty;
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^play needs a terminal/);
  });

  test('an unknown scenario: one line naming the valid ones, exit 2', () => {
    expect(runs.unknown).toEqual({ code: 2, stdout: '', stderr: 'play: no play scenario "9"; play scenarios: 4\n' });
  });
});

describe('the game loop (a fake terminal)', () => {
  function fake(answers: string[]): { term: PlayTerminal; asked: { message: string; values: string[]; dflt: string }[]; shown: () => string } {
    const asked: { message: string; values: string[]; dflt: string }[] = [];
    const out: string[] = [];
    const term: PlayTerminal = {
      clear: () => { out.push('<clear>'); },
      write: (t) => { out.push(t); },
      choose: async (message: string, choices: readonly Choice[], dflt: string) => {
        asked.push({ message, values: choices.map((c) => c.value), dflt });
        return answers.shift() ?? 'quit';
      },
    };
    return { term, asked, shown: () => out.join('') };
  }

  test('only runnable threads are offered; Enter repeats the last thread; undo steps back; quit prints the moves', async () => {
    const f = fake(['1', 'undo', '0', 'quit']);
    expect(await runPlay(PLAY4, f.term, { width: 80, height: 24, color: false })).toBe(0);
    expect(f.asked).toEqual([
      { message: `Step 0: who runs next? ${KEYS}`, values: ['0', '1', '2', '3', 'quit'], dflt: '0' },
      { message: `Step 1: who runs next? ${KEYS}`, values: ['0', '1', '2', '3', 'undo', 'quit'], dflt: '1' },
      { message: `Step 0: who runs next? ${KEYS}`, values: ['0', '1', '2', '3', 'quit'], dflt: '0' },
      { message: `Step 1: who runs next? ${KEYS}`, values: ['0', '1', '2', '3', 'undo', 'quit'], dflt: '0' },
    ]);
    expect(f.shown()).toContain('Stopped at step 1. Replay string so far: v1:0');
  });

  test('a waiting thread is not offered; Ctrl-C exits 130 with the moves so far', async () => {
    const f = fake([...decode('v1:0*6,1*4').map(String), 'interrupt']);
    expect(await runPlay(PLAY4, f.term, { width: 80, height: 24, color: false })).toBe(130);
    expect(f.asked[10]).toEqual({ message: `Step 10: who runs next? ${KEYS}`, values: ['1', '2', '3', 'undo', 'quit'], dflt: '1' });
    expect(f.shown()).toContain('Replay string so far: v1:0*6,1*4');
  });

  test('played to the hang, the game ends by itself with the reports and the replay string', async () => {
    const f = fake(decode(HANG).map(String));
    expect(await runPlay(PLAY4, f.term, { width: 80, height: 24, color: false })).toBe(0);
    expect(f.asked).toHaveLength(68);
    expect(f.shown()).toContain(`${FINAL_SCREEN}\n`);
    expect(f.shown()).toContain(`Replay string: ${HANG}`);
  });

  test('atEnd (--html) runs once when the game ends or is left, with the moves played, and never before a move', async () => {
    const ended: string[] = [];
    const over = fake(decode(HANG).map(String));
    await runPlay(PLAY4, over.term, { width: 80, height: 24, color: false }, (g) => { ended.push(g.schedule); return 'Drawn: run.html'; });
    expect(ended).toEqual([HANG]);
    expect(over.shown().trimEnd().endsWith('Drawn: run.html')).toBe(true);
    const left = fake(['1', '0', 'quit']);
    await runPlay(PLAY4, left.term, { width: 80, height: 24, color: false }, (g) => { ended.push(g.schedule); return 'drawn'; });
    expect(ended).toEqual([HANG, 'v1:1,0']);
    const none = fake(['quit']);
    await runPlay(PLAY4, none.term, { width: 80, height: 24, color: false }, (g) => { ended.push(g.schedule); return 'drawn'; });
    expect(ended).toHaveLength(2);
  });
});

describe('npm run play 4 in a terminal (tmux)', () => {
  let dir: string;
  let socket: string;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-u', '-f', '/dev/null', '-S', socket, ...args], {
    encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
  const screen = (history = false): string => tmux('capture-pane', '-p', '-J', ...(history ? ['-S', '-'] : []), '-t', 'play');

  async function waitFor(expected: string, history = false, ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    let shown = '';
    while (Date.now() < deadline) {
      shown = screen(history);
      if (shown.includes(expected)) return shown;
      await new Promise((r) => setTimeout(r, 40));
    }
    throw new Error(`timed out waiting for ${JSON.stringify(expected)}; the screen shows:\n${shown}`);
  }

  beforeAll(() => {
    const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) throw new Error('tmux is not installed: the play test needs it (apt-get install -y tmux)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-play-'));
    socket = path.join(dir, 'tmux.sock');
  });
  afterAll(() => {
    if (socket !== undefined) spawnSync('tmux', ['-S', socket, 'kill-server']);
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the room plays the seed to a hang, and its replay string scores full marks in exercise 04', async () => {
    // The keys, from the known schedule: the list holds the runnable threads in id order (then
    // undo, quit) and starts on the thread that ran last, when it can run again.
    const game = new PlayGame(PLAY4);
    const keys: string[][] = [];
    for (const t of decode(HANG)) {
      const { choices, default: dflt } = game.choices({ width: 100, height: 40, color: false });
      const at = choices.findIndex((c) => c.value === String(t));
      const from = choices.findIndex((c) => c.value === dflt);
      expect(at).toBeGreaterThanOrEqual(0);
      keys.push([...Array<string>(Math.abs(at - from)).fill(at > from ? 'Down' : 'Up'), 'Enter']);
      game.move(t);
    }
    expect(game.over).toBe(true);

    const script = path.join(dir, 'play.sh');
    fs.writeFileSync(script, [`cd '${REPO}'`, 'env -u CI -u NO_COLOR npm run --silent play 4', 'echo "[exit $?]"', 'sleep 300'].join('\n') + '\n');
    tmux('new-session', '-d', '-s', 'play', '-x', '100', '-y', '40', `sh '${script}'`);
    let s = await waitFor('Step 0: who runs next?', false, 60_000);
    expect(s).toContain('npm run play 4 · the seed on Linux 2.6.36-rc2 · step 0');
    expect(s).toMatch(/0 walker +lock_page page@0x4000 #1 \.flags/);

    // one step forward and back: undo replays the moves minus the last
    tmux('send-keys', '-t', 'play', 'Down', 'Enter');
    s = await waitFor('Step 1: who runs next?');
    expect(s).toContain('moves     1: v1:1');
    tmux('send-keys', '-t', 'play', 'u'); // undoes at once, as the footer says
    s = await waitFor('Step 0: who runs next?');
    expect(s).toContain('moves     0: v1:');

    for (let i = 0; i < keys.length; i++) {
      if (i > 0) await waitFor(`Step ${i}: who runs next?`);
      tmux('send-keys', '-t', 'play', ...keys[i]);
    }
    s = await waitFor('[exit 0]', true);
    expect(s).toContain('over: the machine hung');
    expect(s).toContain('INFO: task hung: every live thread is waiting and none can run');
    expect(s).toMatch(/fault spins in spin_lock\(&anon_vma@0x40->lock\), held by walker\s+since\s+step\s+37/);
    expect(s).toContain('The machine hung. Exercise 04-bug-hunt gives this schedule 5/5.');
    const replay = /Replay string: (v1:\S+)/.exec(s)?.[1];
    expect(replay).toBe(HANG);

    const file = path.join(dir, 'schedule.txt');
    fs.writeFileSync(file, `# played in tmux\n${replay}\n`);
    const r = await gradeFile(findExercise('04')!, file);
    expect([r.verdict, r.score, r.max_score]).toEqual(['pass', 5, 5]);
    expect(r.scenarios[0].failure?.kind).toBe('hang');
  }, 240_000);
});

test('play --moves --html draws what the player did as one self-contained page', () => {
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const fsm = require('fs') as typeof import('fs');
  const osm = require('os') as typeof import('os');
  const pathm = require('path') as typeof import('path');
  const root = pathm.resolve(__dirname, '..', '..');
  const out = pathm.join(fsm.mkdtempSync(pathm.join(osm.tmpdir(), 'play-html-')), 'play.html');
  const schedule = fsm.readFileSync(pathm.join(root, 'solutions', '04-bug-hunt', 'schedule.txt'), 'utf8').split('\n').find((l) => l.startsWith('v1:'))!;
  const r = spawnSync(pathm.join(root, 'node_modules', '.bin', 'ts-node'), ['-T', 'cli/play.ts', '4', '--moves', schedule, '--html', out], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  expect(r.status).toBe(0);
  const html = fsm.readFileSync(out, 'utf8');
  expect(html).toMatch(/^<!DOCTYPE html>/i);
  expect(html).toContain('walker');
  expect(html).toContain('hang');
  expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
});

test("a digit names a thread by its number: the prompt is handed that thread's line (its digit keys count lines from 1)", () => {
  const choices = [{ name: '0 walker', value: '0' }, { name: '2 fork', value: '2' }, { name: '3 fault', value: '3' }, { name: 'quit', value: 'quit' }];
  expect(['0', '1', '2', '3', '9'].map((d) => digitToPosition(d, choices))).toEqual(['1', undefined, '2', '3', undefined]);
});

test('keys that come together (pasted, or typed fast) have their digits mapped one by one; escape sequences pass as they are', () => {
  const choices = [{ name: '0 walker', value: '0' }, { name: '2 fork', value: '2' }, { name: 'quit', value: 'quit' }];
  expect(digitsToPositions('2\r', choices)).toBe('2\r');
  expect(digitsToPositions('0\r', choices)).toBe('1\r');
  expect(digitsToPositions('12\u001b[1;5A\u001b[B', choices)).toBe('2\u001b[1;5A\u001b[B');
});
