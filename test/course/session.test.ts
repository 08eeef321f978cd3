import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseLesson } from '../../course/parse';
import { emptyProgress, loadProgress, progressFile, recordQuiz, recordSection, type Progress } from '../../course/progress';
import { decodeKey, MORE, runSession, splitKeys, type Key, type LessonTerminal } from '../../course/session';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'lessons', '03-slab-typesafe-by-rcu.md');
const lesson = parseLesson(fs.readFileSync(FIXTURE, 'utf8'), 'fixture.md');

/** A scripted terminal: keys and quiz answers in order; each cleared screen recorded. */
function fakeTerminal(keys: Key[], answers: (number | 'interrupt' | 'quit')[]) {
  const screens: string[] = [''];
  const asked: string[] = [];
  const term: LessonTerminal = {
    clear: () => void screens.push(''),
    write: (t) => void (screens[screens.length - 1] += t),
    readKey: async () => keys.shift() ?? 'quit',
    choose: async (message) => {
      asked.push(message);
      return answers.shift() ?? 'interrupt';
    },
  };
  return { term, screens: () => screens.slice(1), asked };
}

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-session-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function run(keys: Key[], answers: (number | 'interrupt' | 'quit')[], progress: Progress = emptyProgress(), rows?: number) {
  const t = fakeTerminal(keys, answers);
  let demos = 0;
  const end = runSession({
    lesson,
    number: 3,
    title: 'SLAB_DESTROY_BY_RCU: the object may be someone else now',
    progress,
    progressFile: progressFile(home),
    render: { color: false, width: 80, ...(rows === undefined ? {} : { rows }) },
    term: t.term,
    runDemo: () => (demos++, rows === undefined ? 'DEMO OUTPUT' : ['DEMO OUTPUT', ...Array.from({ length: 30 }, (_, i) => `demo line ${i + 1}`)].join('\n')),
  });
  return { end, ...t, demos: () => demos, saved: () => loadProgress(progressFile(home)).progress.lessons['3'] };
}

describe('keys', () => {
  test('Enter, space and → go on; b and ← go back; q and Esc quit; Ctrl-C interrupts', () => {
    expect(splitKeys('\r\u001b[Db\u0003')).toEqual(['\r', '\u001b[D', 'b', '\u0003']);
    expect(['\r', ' ', '\u001b[C'].map(decodeKey)).toEqual(['next', 'next', 'next']);
    expect(['b', '\u001b[D'].map(decodeKey)).toEqual(['back', 'back']);
    expect(['q', '\u001b'].map(decodeKey)).toEqual(['quit', 'quit']);
    expect(decodeKey('\u0003')).toBe('interrupt');
    expect(decodeKey('x')).toBe('other');
  });
});

describe('an interactive session', () => {
  test('one section per screen with its footer; back and forth; progress saved at each move', async () => {
    const s = run(['next', 'back', 'back', 'next', 'next', 'quit'], [1]);
    expect(await s.end).toEqual({ kind: 'quit', section: 3, sections: 4 });
    const screens = s.screens();
    expect(screens.map((sc) => /section (\d)\/4 — Enter: next · b: back · q: quit/.exec(sc)?.[1])).toEqual(['1', '2', '1', '2', '3']);
    expect(screens[1]).toContain('## The cache that frees late');
    expect(screens[1]).toContain('DEMO OUTPUT');
    expect(screens[1]).not.toContain('# SLAB_DESTROY');
    expect(s.saved()).toMatchObject({ section: 3, sections: 4, finished: false, quiz: { '1': { choice: 1, correct: true } } });
  });

  test('a quiz is asked once, with its explanation shown right or wrong', async () => {
    const s = run(['next', 'next', 'back', 'next', 'quit'], [0]);
    await s.end;
    expect(s.asked).toHaveLength(1);
    expect(s.asked[0]).toMatch(/^Quiz 1: Under `rcu_read_lock\(\)`/);
    const screens = s.screens();
    expect(screens[2]).toContain('✗ Not quite. no: the object may be freed');
    expect(screens[2]).toContain('The answer is b) memory of the same type');
    expect(screens[4]).toContain('You answered a) the same object');
    // a letter picks an answer there (b is answer b, not back), and the screen says so; not on a quiz answered before
    expect(screens[2]).toMatch(/\(a–[c-z] or ↑↓ picks an answer · Enter answers · q: quit\)/);
    expect(screens[4]).not.toContain('picks an answer');
    expect(s.saved()?.quiz).toEqual({ '1': { choice: 0, correct: false } });
  });

  test('resumes where the student left off, says so, and r starts over', async () => {
    const s = run(['restart', 'quit'], [1], recordSection(emptyProgress(), 3, 3, 4));
    expect(await s.end).toEqual({ kind: 'quit', section: 1, sections: 4 });
    const [first, second] = s.screens();
    expect(first).toContain('resuming where you left off, at section 3/4');
    expect(first).toContain('section 3/4 — Enter: next · b: back · q: quit · r: start over');
    expect(second).toContain('section 1/4 — Enter: next · b: back · q: quit');
    expect(second).not.toContain('start over');
    expect(s.saved()).toMatchObject({ section: 1 });
  });

  test('Enter on the last section finishes the lesson', async () => {
    const s = run(['next'], [], recordSection(emptyProgress(), 3, 4, 4));
    expect(await s.end).toEqual({ kind: 'finished' });
    expect(s.screens()[0]).toContain('section 4/4 — Enter: finish · b: back · q: quit');
    expect(s.saved()).toMatchObject({ finished: true, section: 4 });
  });

  test('Ctrl-C at a quiz ends the session as interrupted, progress kept', async () => {
    const s = run(['next', 'next'], ['interrupt']);
    expect(await s.end).toEqual({ kind: 'interrupted', section: 3, sections: 4 });
    expect(s.saved()).toMatchObject({ section: 3, quiz: {} });
  });

  test('q at a quiz quits, as its footer says, progress kept (not an interrupt: exit 0)', async () => {
    const s = run(['next', 'next'], ['quit']);
    expect(await s.end).toEqual({ kind: 'quit', section: 3, sections: 4 });
    expect(s.saved()).toMatchObject({ section: 3, quiz: {} });
  });
});

describe('a section taller than the terminal, a page at a time', () => {
  const ROWS = 16;
  test('each page fits and ends asking for Enter; every line comes once, in order; the footer ends the last page', async () => {
    const s = run(['next', 'next', 'next', 'next', 'quit'], [1], emptyProgress(), ROWS);
    expect(await s.end).toEqual({ kind: 'quit', section: 2, sections: 4 });
    const screens = s.screens();
    const s2 = screens.filter((sc) => sc.includes('demo line') || sc.includes('section 2/4'));
    expect(s2.length).toBeGreaterThan(2);
    for (const sc of screens) expect(sc.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(ROWS - 1);
    for (const sc of s2.slice(0, -1)) expect(sc.replace(/\n$/, '').split('\n').pop()).toBe(MORE);
    expect(s2[s2.length - 1]).toContain('section 2/4 — Enter: next · b: back · q: quit');
    // while the demo ran, a line said so, then was erased (only on a terminal: not without rows)
    const all = screens.join('');
    expect(all).toContain('▶ running the demo fixture-demo-that-does-not-exist…\r\u001b[2K');
    expect(all.indexOf('▶ running the demo')).toBeLessThan(all.indexOf('DEMO OUTPUT'));
    const plain = run(['next', 'quit'], [1]);
    await plain.end;
    expect(plain.screens().join('')).toContain('DEMO OUTPUT');
    expect(plain.screens().join('')).not.toContain('running the demo');
    const demo = s2.flatMap((sc) => sc.split('\n').filter((l) => l.includes('demo line')));
    expect(demo).toEqual(Array.from({ length: 30 }, (_, i) => expect.stringContaining(`demo line ${i + 1}`)));
  });

  test("b goes back a page (from a section's first page, to the last page of the one before); q at a page break quits with the section saved", async () => {
    // section 2's pages: Enter past its first, b back to it, b again to section 1 (one page), Enter to section 2 again
    const back = run(['next', 'next', 'back', 'back', 'next', 'quit'], [1], emptyProgress(), ROWS);
    expect(await back.end).toEqual({ kind: 'quit', section: 2, sections: 4 });
    // (the line that says a demo runs is shown only the first time: it runs once)
    const screens = back.screens().map((sc) => sc.replace(/▶ running the demo [^\r]*…\r\u001b\[2K/g, ''));
    expect(back.demos()).toBe(1);
    const first = screens[1];
    expect(first).toContain('## The cache that frees late');
    expect(screens[2]).not.toContain('## The cache that frees late');
    expect(screens[3]).toBe(first);
    expect(screens[4]).toContain('section 1/4 — Enter: next');
    expect(screens[5]).toBe(first);
    const quit = run(['next', 'quit'], [1], emptyProgress(), ROWS);
    expect(await quit.end).toEqual({ kind: 'quit', section: 2, sections: 4 });
    expect(quit.screens().at(-1)?.trimEnd().endsWith(MORE)).toBe(true);
    expect(quit.saved()).toMatchObject({ section: 2 });
  });

  test("b at a section's footer goes back to its page before; into a section from after it, b lands on its last page", async () => {
    // to section 3, then back: section 2's last page (with its footer), then the page before it
    const s = run(['next', 'next', 'next', 'next', 'next', 'back', 'back', 'quit'], [1], emptyProgress(), ROWS);
    await s.end;
    const screens = s.screens();
    const at3 = screens.findIndex((sc) => sc.includes('section 3/4') || sc.includes('Quiz 1'));
    expect(at3).toBeGreaterThan(0);
    const lastOf2 = screens[at3 - 1];
    expect(lastOf2).toContain('section 2/4 — Enter: next');
    expect(screens[at3 + 1]).toBe(lastOf2);
    expect(screens[at3 + 2]).toBe(screens[at3 - 2]);
  });
});

describe('page breaks keep a table, a paragraph or a piece of code whole when it fits on a page', () => {
  const real = ['04-the-root-lock-and-the-hang.md', '05-hughs-fix-and-the-argument.md'].map((f) =>
    parseLesson(fs.readFileSync(path.join(__dirname, '..', '..', 'lessons', f), 'utf8'), f));
  const edge = (x: string): string => x.trimStart().charAt(0);
  /** Every screen of lesson `l` read to its end at `rows` rows (no rows: one screen a section). */
  async function read(l: (typeof real)[number], i: number, rows?: number): Promise<string[]> {
    const t = fakeTerminal(Array.from({ length: 200 }, () => 'next'), Array.from({ length: 20 }, () => 0));
    const end = await runSession({ lesson: l, number: 4 + i, title: 'a lesson', progress: emptyProgress(), progressFile: progressFile(home),
      render: { color: false, width: 80, ...(rows === undefined ? {} : { rows }) }, term: t.term, runDemo: () => 'DEMO OUTPUT' });
    expect(end).toEqual({ kind: 'finished' });
    fs.rmSync(progressFile(home), { force: true });
    return t.screens();
  }
  /** The tables on screens: runs of lines from ┌ to └ (or to the end of a screen). */
  const tables = (screens: readonly string[]): string[][] => screens.flatMap((sc) => {
    const out: string[][] = [];
    let cur: string[] | null = null;
    for (const x of sc.split('\n')) {
      if (edge(x) === '┌') cur = [];
      if (cur !== null && '┌│├└'.includes(edge(x)) && x.trim() !== '') cur.push(x);
      else if (cur !== null) { out.push(cur); cur = null; }
      if (cur !== null && edge(x) === '└') { out.push(cur); cur = null; }
    }
    if (cur !== null) out.push(cur);
    return out;
  });
  test('a terminal of 8 or 9 rows gets small pages, not ones that scroll off', async () => {
    for (const rows of [8, 9]) {
      for (const [i, l] of real.entries()) {
        const screens = await read(l, i, rows);
        expect(screens.length).toBeGreaterThan(40);
        for (const sc of screens) {
          const n = sc.replace(/\n$/, '').split('\n').length;
          // (a quiz's prompt taller than the page takes what it needs; the section's end may
          // use the row a page break would)
          if (/section \d+\/\d+ — Enter/.test(sc)) expect(n).toBeLessThanOrEqual(rows);
          else if (!sc.includes('picks an answer')) expect(n).toBeLessThanOrEqual(rows - 1);
        }
      }
    }
  });

  test('the section\'s footer never stands alone on a page', async () => {
    let footers = 0;
    for (let rows = 14; rows <= 30; rows += 4) {
      for (const [i, l] of real.entries()) {
        for (const sc of await read(l, i, rows)) {
          if (!/section \d+\/\d+ — Enter/.test(sc)) continue;
          footers++;
          // header, blank, then something besides the rule and the footer
          const body = sc.split('\n').slice(2).filter((x) => x.trim() !== '' && !x.startsWith('─') && !/^section \d+\/\d+ — /.test(x));
          expect(body.length).toBeGreaterThan(0);
        }
      }
    }
    expect(footers).toBeGreaterThan(50);
  });

  test.each([14, 17, 20, 23, 26])('at %i rows: a table that fits a page is whole on one; a taller one goes on under its header', async (rows) => {
    let whole = 0, split = 0;
    for (const [i, l] of real.entries()) {
      const screens = await read(l, i, rows);
      for (const sc of screens) {
        expect(sc.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(rows - 1);
        // a screen's first table line is a table's top: a table goes on under its header
        const first = sc.split('\n').find((x) => '┌│├└'.includes(edge(x)) && x.trim() !== '');
        if (first !== undefined) expect(edge(first)).toBe('┌');
      }
      const shown = tables(screens);
      for (const t of tables(await read(l, i))) {
        if (t.length <= rows - 4) {
          expect(shown).toContainEqual(t);
          whole++;
        } else {
          // its pieces: each starts with the header, and between them they hold every row once
          const head = t.slice(0, t.findIndex((x) => edge(x) === '├') + 1);
          const pieces = shown.filter((p) => p.slice(0, head.length).join('\n') === head.join('\n'));
          expect(pieces.length).toBeGreaterThan(1);
          const body = pieces.flatMap((p, k) => p.slice(k === 0 ? 0 : head.length)).filter((x) => edge(x) === '│');
          expect(body).toEqual(t.filter((x) => edge(x) === '│'));
          split++;
        }
      }
    }
    expect(whole).toBeGreaterThanOrEqual(2);
    if (rows <= 17) expect(split).toBeGreaterThanOrEqual(1);
  });
});

test('a quiz answered before is shown with its result on one page, whatever the height', async () => {
  let checked = 0;
  for (let rows = 12; rows <= 30; rows++) {
    const p = recordQuiz(recordSection(emptyProgress(), 3, 2, 4), 3, 1, { choice: 0, correct: false });
    const s = run(Array.from({ length: 30 }, () => 'next' as Key), [], p, rows);
    await s.end;
    for (const sc of s.screens()) {
      if (!sc.includes('You answered a)')) continue;
      expect(sc).toContain('The answer is b)');
      checked++;
    }
    fs.rmSync(progressFile(home), { force: true });
  }
  expect(checked).toBeGreaterThanOrEqual(19);
});
