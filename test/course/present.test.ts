// Presenter mode (`npm run lesson N -- --present`): one roomy section per screen, quizzes shown
// but not asked, answers only when the presenter presses a, the presenter's progress untouched.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseLesson } from '../../course/parse';
import { emptyProgress, progressFile, recordSection } from '../../course/progress';
import { renderLesson, spacious } from '../../course/render';
import { decodeKey, runSession, type Key, type LessonTerminal } from '../../course/session';
import { FIXTURE_LESSONS, runLessonCli } from './cliHelpers';

const FIXTURE = path.join(FIXTURE_LESSONS, '03-slab-typesafe-by-rcu.md');
const lesson = parseLesson(fs.readFileSync(FIXTURE, 'utf8'), 'fixture.md');

let home: string;
beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-present-')); });
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function present(keys: Key[], rows?: number, from?: number) {
  const screens: string[] = [''];
  let asked = 0, demos = 0, settled = 0;
  const term: LessonTerminal = {
    clear: () => void screens.push(''),
    write: (t) => void (screens[screens.length - 1] += t),
    readKey: async () => keys.shift() ?? 'quit',
    choose: async () => { asked++; return 0; },
    settle: () => { settled++; },
  };
  const end = runSession({
    lesson, number: 3, title: 'SLAB_DESTROY_BY_RCU', progress: recordSection(emptyProgress(), 3, 3, 4),
    progressFile: progressFile(home), render: { color: false, width: 80, present: true, ...(rows === undefined ? {} : { rows }) }, term,
    ...(from === undefined ? {} : { from }),
    runDemo: () => (demos++, 'DEMO OUTPUT\n') + Array.from({ length: 30 }, (_, i) => `demo line ${i + 1}`).join('\n') + `\n${'W'.repeat(170)}`,
  });
  return { end, screens: () => screens.slice(1), asked: () => asked, demos: () => demos, settled: () => settled };
}

test('a is the answer key', () => {
  expect(decodeKey('a')).toBe('answer');
  expect(decodeKey('A')).toBe('answer');
});

test('starts at section 1 whatever the progress, one section per screen, with a margin and more space', async () => {
  const s = present(['next', 'quit']);
  expect(await s.end).toEqual({ kind: 'quit', section: 2, sections: 4 });
  const [first, second] = s.screens();
  expect(first).toContain('1/4 — Enter: next · b: back · q: quit');
  expect(first).not.toContain('resuming');
  expect(second).toContain('2/4 — Enter: next');
  // Every text line is indented, and paragraphs are two blank lines apart.
  const body = second.split('\n').slice(2, -3).filter((l) => l.trim() !== '');
  expect(body.length).toBeGreaterThan(3);
  for (const l of body) expect(l.startsWith('    ')).toBe(true);
  expect(second).toMatch(/\S\n\n\n {4}\S/);
  expect(fs.existsSync(progressFile(home))).toBe(false);
});

test('a quiz is shown, not asked; its answer appears only when the presenter presses a', async () => {
  const s = present(['next', 'next', 'answer', 'answer', 'back', 'quit']);
  await s.end;
  const [, , quiz, revealed, again, back] = s.screens();
  expect(s.asked()).toBe(0);
  expect(quiz).toMatch(/Quiz 1: Under `rcu_read_lock\(\)`/);
  expect(quiz).toContain('a) the same object');
  expect(quiz).toContain('b) memory of the same type');
  expect(quiz).not.toContain('Answer:');
  expect(quiz).not.toContain('✓');
  expect(quiz).toContain('a: show the answer');
  expect(revealed).toContain('Answer: b) memory of the same type');
  expect(revealed).toContain('✓ b)');
  expect(revealed).not.toContain('a: show the answer');
  // A second a with nothing left to reveal changes nothing: the next screen is the one after back.
  expect(again).toContain('2/4 — Enter: next');
  expect(back).toBeUndefined();
});

test('a section taller than the terminal is shown a page at a time: every line once, each screen fits, Enter and b move by pages', async () => {
  const rows = 24;
  const all = await (async () => { const s = present(['next', 'quit']); await s.end; return s.screens()[1]; })();
  const s = present(['next', 'next', 'next', 'next', 'back', 'back', 'back', 'back', 'quit'], rows);
  await s.end;
  const screens = s.screens();
  const pageOf = (sc: string): string => /2\/4 · page (\d+)\/(\d+) — /.exec(sc)?.slice(1).join('/') ?? '-';
  // section 2 (a demo of 30 lines) needs pages: 1/4, then its pages, then 3/4; back lands on section 2's last page
  const pages = Number(pageOf(screens[1]).split('/')[1]);
  expect(pages).toBeGreaterThan(1);
  expect(screens.slice(1, 1 + pages).map(pageOf)).toEqual(Array.from({ length: pages }, (_, i) => `${i + 1}/${pages}`));
  // rows as the terminal shows them: a line of 170 columns takes three at 80
  const shown = (sc: string): number => sc.replace(/\n$/, '').split('\n').reduce((a, l) => a + Math.max(1, Math.ceil(l.length / 80)), 0);
  for (const sc of screens) expect(shown(sc) + 1).toBeLessThanOrEqual(rows);
  // the pages together hold the section's every line, in order
  const body = (sc: string): string[] => sc.split('\n').slice(3, -3);
  expect(screens.slice(1, 1 + pages).flatMap(body)).toEqual(body(all));
  expect(screens[1 + pages]).toContain('3/4 — Enter: next');
  expect(pageOf(screens[2 + pages])).toBe(`${pages}/${pages}`);
});

test('--section K starts the presenter at section K; b still goes back to the ones before', async () => {
  const s = present(['back', 'quit'], undefined, 3);
  expect(await s.end).toEqual({ kind: 'quit', section: 2, sections: 4 });
  expect(s.screens().map((sc) => /(\d)\/4 — Enter/.exec(sc)?.[1])).toEqual(['3', '2']);
});

test('a shows the answer on the page that holds it, wherever the presenter stood in the section', async () => {
  for (const rows of [12, 14, 16, 40]) {
    const s = present(['answer', 'quit'], rows, 3);
    await s.end;
    const [before, after] = s.screens();
    expect(before).toContain('a: show the answer');
    expect(after).toContain('Answer: b) memory of the same type');
  }
});

test('renderLesson in presenter layout withholds every answer', () => {
  const plain = renderLesson(lesson, { color: false, width: 80 }, () => 'DEMO');
  const shown = renderLesson(lesson, { color: false, width: 80, present: true }, () => 'DEMO');
  expect(plain).toContain('Answer:');
  expect(shown).not.toContain('Answer:');
  expect(shown).toContain('Quiz 1:');
  expect(shown).not.toContain('press a'); // a printed handout has no key to press
  expect(spacious('a\nb\n\nc')).toBe('    a\n    b\n\n\n    c\n');
});

test('npm run lesson 3 -- --present (not a TTY): the slides, answers withheld; exit 0', async () => {
  const r = await runLessonCli(['3', '--present'], { ANON_VMA_LAB_LESSONS: FIXTURE_LESSONS, ANON_VMA_LAB_HOME: home, CI: '1' });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('── 1/4 ');
  expect(r.stdout).toContain('Quiz 1:');
  expect(r.stdout).not.toContain('Answer:');
}, 120_000);

test('npm run lesson 3 -- --present --section 3 (not a TTY): the slides from section 3, numbered as in the lesson; a bad --section exits 2', async () => {
  const env = { ANON_VMA_LAB_LESSONS: FIXTURE_LESSONS, ANON_VMA_LAB_HOME: home, CI: '1' };
  const [from3, tooFar, notPresenting, noNumber] = await Promise.all([
    runLessonCli(['3', '--present', '--section', '3'], env),
    runLessonCli(['3', '--present', '--section', '9'], env),
    runLessonCli(['3', '--section', '2'], env),
    runLessonCli(['3', '--present', '--section'], env),
  ]);
  expect(from3.code).toBe(0);
  expect(from3.stdout.startsWith('── 3/4 ')).toBe(true);
  expect(from3.stdout).toContain('── 4/4 ');
  expect(from3.stdout).not.toContain('── 2/4 ');
  expect([tooFar.code, tooFar.stderr]).toEqual([2, 'lesson: lesson 3 has 4 sections: --section takes 1 to 4\n']);
  expect([notPresenting.code, notPresenting.stderr]).toEqual([2, 'lesson: --section goes with --present (a lesson of your own resumes where you left it)\n']);
  expect([noNumber.code, noNumber.stderr]).toEqual([2, 'lesson: --section needs a section number (1, 2, ...)\n']);
}, 180_000);

test('presenter pages: a table taller than a page goes on under its header, each page opening with it', async () => {
  const five = parseLesson(fs.readFileSync(path.join(__dirname, '..', '..', 'lessons', '05-hughs-fix-and-the-argument.md'), 'utf8'), 'five.md');
  const screens: string[] = [''];
  const keys: Key[] = Array.from({ length: 100 }, () => 'next');
  const end = await runSession({
    lesson: five, number: 5, title: "Hugh's fix", progress: emptyProgress(), progressFile: progressFile(home),
    render: { color: false, width: 80, present: true, rows: 20 }, runDemo: () => 'DEMO OUTPUT',
    term: { clear: () => void screens.push(''), write: (t) => void (screens[screens.length - 1] += t), readKey: async () => keys.shift() ?? 'quit', choose: async () => 0 },
  });
  expect(end).toEqual({ kind: 'finished' });
  const edge = (x: string): string => x.trimStart().charAt(0);
  let heads = 0;
  for (const sc of screens.slice(1)) {
    const ls = sc.split('\n');
    expect(ls.length - 1).toBeLessThanOrEqual(20);
    const first = ls.findIndex((x) => '┌│├└'.includes(edge(x)) && x.trim() !== '');
    if (first < 0) continue;
    expect(edge(ls[first])).toBe('┌');
    if (ls[first + 1].includes('who') && ls[first + 1].includes('what')) heads++;
  }
  // the argument's table is taller than a page: its header opens each of its pages
  expect(heads).toBeGreaterThan(1);
});

test("a page turn does not run the section's demo again; on a terminal a line says while it runs the first time", async () => {
  const s = present(['next', 'next', 'next', 'back', 'back', 'quit'], 16);
  await s.end;
  expect(s.demos()).toBe(1);
  // and keys typed while it ran are not taken for the next screen's (cli/terminal.ts)
  expect(s.settled()).toBe(1);
  expect(s.screens().join('').match(/▶ running the demo [^\r]*…\r\u001b\[2K/g)).toHaveLength(1);
});

test('presenter mode on a 9-row terminal: small pages, none that scrolls off', async () => {
  const s = present(Array.from({ length: 80 }, () => 'next' as Key), 9);
  expect(await s.end).toEqual({ kind: 'finished' });
  expect(s.screens().length).toBeGreaterThan(10);
  for (const sc of s.screens()) expect(sc.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(9);
});
