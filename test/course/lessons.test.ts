import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLesson, LESSONS, listLessons } from '../../course/lessons';
import { formatLessonList } from '../../course/listing';
import { emptyProgress, markFinished, recordSection } from '../../course/progress';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-lessons-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function touch(name: string): void {
  fs.writeFileSync(path.join(dir, name), '# x\n');
}

describe('the lesson list', () => {
  test('eight lessons with stable numbers and titles', () => {
    expect(LESSONS.map((l) => l.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(LESSONS[0].title).toBe('Reverse mapping: who maps this page?');
    expect(LESSONS[2].title).toBe('SLAB_DESTROY_BY_RCU: the object may be someone else now');
    expect(LESSONS[7].title).toBe('The pattern elsewhere, and how kernel developers catch it');
  });

  test('a lesson is shipped when lessons/NN-*.md exists, otherwise coming', () => {
    touch('01-reverse-mapping.md');
    touch('03-slab-typesafe-by-rcu.md');
    touch('04-notes.txt'); // not markdown
    touch('2-rcu.md'); // not two digits
    const entries = listLessons(dir);
    expect(entries.map((e) => e.status)).toEqual(['shipped', 'coming', 'shipped', 'coming', 'coming', 'coming', 'coming', 'coming']);
    const third = entries[2];
    expect(third.status === 'shipped' && third.file).toBe(path.join(dir, '03-slab-typesafe-by-rcu.md'));
  });

  test('a missing lessons directory means nothing is shipped', () => {
    expect(listLessons(path.join(dir, 'nope')).every((e) => e.status === 'coming')).toBe(true);
  });

  test('findLesson accepts "3" and "03", and explains a wrong or unshipped number in one line', () => {
    touch('01-a.md');
    touch('03-c.md');
    const entries = listLessons(dir);
    for (const arg of ['3', '03']) {
      const found = findLesson(entries, arg);
      expect(found.kind === 'found' && found.lesson.number).toBe(3);
    }
    expect(findLesson(entries, '9')).toEqual({
      kind: 'error',
      message: 'no lesson "9": lessons are numbered 1-8; shipped lessons: 1, 3',
    });
    expect(findLesson(entries, 'two')).toMatchObject({ kind: 'error', message: expect.stringContaining('shipped lessons: 1, 3') });
    expect(findLesson(entries, '4')).toEqual({
      kind: 'error',
      message: 'lesson 4 (The root lock and the hang) is coming soon; shipped lessons: 1, 3',
    });
    expect(findLesson(listLessons(path.join(dir, 'nope')), '1')).toMatchObject({
      message: expect.stringContaining('no lesson is shipped yet'),
    });
  });

  test('the formatted list shows titles, shipped/coming and progress, within 80 columns', () => {
    touch('01-a.md');
    touch('02-b.md');
    touch('03-c.md');
    let progress = markFinished(emptyProgress(), 1, 5);
    progress = recordSection(progress, 2, 3, 7);
    const text = formatLessonList(listLessons(dir), progress, false);
    const rows = text.split('\n');
    expect(rows.find((r) => r.includes('Reverse mapping'))).toMatch(/^ {2}1 {2}Reverse mapping: who maps this page\? +finished$/);
    expect(rows.find((r) => r.includes('RCU: memory'))).toMatch(/at section 3\/7$/);
    expect(rows.find((r) => r.includes('SLAB_DESTROY'))).toMatch(/not started$/);
    expect(rows.find((r) => r.includes('Pin with a reference'))).toMatch(/coming soon$/);
    expect(text).toContain('next up: npm run lesson 2');
    expect(text).not.toMatch(/\u001b\[/);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(80);
  });
});
