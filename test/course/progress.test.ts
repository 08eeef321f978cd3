import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  emptyProgress,
  loadProgress,
  markFinished,
  progressFile,
  recordQuiz,
  recordSection,
  resetLesson,
  saveProgress,
} from '../../course/progress';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-progress-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('progress', () => {
  test('lives at <cwd>/.anon-vma-lab/progress.json', () => {
    expect(progressFile('/w')).toBe(path.join('/w', '.anon-vma-lab', 'progress.json'));
  });

  test('a missing file is a fresh start', () => {
    expect(loadProgress(progressFile(home))).toEqual({ progress: emptyProgress() });
  });

  test('section, quiz answers and finishing survive a save and a load', () => {
    const file = progressFile(home);
    let p = recordSection(emptyProgress(), 3, 2, 4);
    p = recordQuiz(p, 3, 1, { choice: 1, correct: true });
    saveProgress(file, p);
    const loaded = loadProgress(file).progress;
    expect(loaded.lessons['3']).toMatchObject({ section: 2, sections: 4, finished: false, quiz: { '1': { choice: 1, correct: true } } });
    const done = markFinished(loaded, 3, 4);
    expect(done.lessons['3']).toMatchObject({ section: 4, finished: true, quiz: { '1': { choice: 1, correct: true } } });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['progress.json']);
  });

  test('starting over forgets the position and answers but not having finished', () => {
    let p = recordQuiz(markFinished(emptyProgress(), 2, 5), 2, 1, { choice: 0, correct: false });
    p = resetLesson(p, 2, 5);
    expect(p.lessons['2']).toMatchObject({ section: 1, finished: true, quiz: {} });
  });

  test('a damaged file gives a warning and a fresh start, not a crash', () => {
    const file = progressFile(home);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ not json');
    const loaded = loadProgress(file);
    expect(loaded.progress).toEqual(emptyProgress());
    expect(loaded.warning).toMatch(/unreadable progress file/);
  });

  test('malformed lesson entries are dropped, good ones kept', () => {
    const file = progressFile(home);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const good = { section: 2, sections: 3, finished: false, quiz: {}, updated: '' };
    fs.writeFileSync(file, JSON.stringify({ version: 1, lessons: { '1': good, '2': { section: 'x' } } }));
    expect(Object.keys(loadProgress(file).progress.lessons)).toEqual(['1']);
  });
});
