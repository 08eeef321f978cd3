// What a submission may import is decided by the import alone, never by where the file sits: a
// TA's class folder inside the repository grades the stub's '../../sim/api' as the API, exactly
// as a folder anywhere else does (a TA once saw 0/10 forbidden-import inside, 10/10 outside).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gradeFile } from '../../grader/grade';
import { isApiSpecifier } from '../../grader/load';
import { EX05, REPO, SOLUTIONS, withoutMs } from './helpers';

test('a relative path ending in sim/api is the API; anything else is not', () => {
  for (const s of ['../sim/api', '../../sim/api', './sim/api', '../../../../sim/api', '..\\..\\sim\\api']) expect([s, isApiSpecifier(s)]).toEqual([s, true]);
  for (const s of ['sim/api', 'fs', '../sim/api/../../solutions/x', '../../solutions/05-page-lock-anon-vma/page_lock_anon_vma', '../sim/apix', '../sim/api2'])
    expect([s, isApiSpecifier(s)]).toEqual([s, false]);
});

test("the stub's import gets the same grade inside the repository and outside it", async () => {
  const src = fs.readFileSync(path.join(SOLUTIONS, 'page_lock_anon_vma.ts'), 'utf8');
  expect(src).toContain("from '../../sim/api'");
  fs.mkdirSync(path.join(REPO, 'tmp'), { recursive: true });
  // inside: tmp/class-X/section-1/kate.ts, where '../../sim/api' resolves to tmp/sim/api
  const dirs = [fs.mkdtempSync(path.join(REPO, 'tmp', 'class-')), fs.mkdtempSync(path.join(os.tmpdir(), 'class-'))];
  try {
    const results = await Promise.all(dirs.map(async (d) => {
      fs.mkdirSync(path.join(d, 'section-1'));
      const f = path.join(d, 'section-1', 'kate.ts');
      fs.writeFileSync(f, src);
      const r = await gradeFile(EX05, f, { only: ['quiet'] });
      return { ...withoutMs(r), submission: '' };
    }));
    expect(results[0]).toMatchObject({ verdict: 'pass', score: results[0].max_score });
    expect(results[1]).toEqual(results[0]);
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

test("console or process in a submission: one line saying they do not exist there, not TypeScript's advice to install types", async () => {
  const src = fs.readFileSync(path.join(SOLUTIONS, 'page_lock_anon_vma.ts'), 'utf8');
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'globals-'));
  const cases = [['console', '  console.log(page);\n'], ['process', '  process.exit(0);\n']] as const;
  const results = await Promise.all(cases.map(async ([name, line]) => {
    const f = path.join(d, `${name}.ts`);
    fs.writeFileSync(f, src.replace(/(export function\* page_lock_anon_vma\([^)]*\)[^{]*\{\n)/, `$1${line}`));
    return (await gradeFile(EX05, f, { only: ['quiet'] })).error;
  }));
  for (const [i, [name]] of cases.entries()) {
    expect(results[i]).toMatch(new RegExp(`^${name}\\.ts:\\d+:3: type error: \`${name}\` does not exist in a submission \\(it runs in a sandbox`));
  }
});

test('a type-level import or a reference directive is an import too: the type checker would read the file it names', async () => {
  const src = fs.readFileSync(path.join(SOLUTIONS, 'page_lock_anon_vma.ts'), 'utf8');
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'type-imports-'));
  const cases = [
    ["type Secret = typeof import('../../solutions/05-page-lock-anon-vma/page_lock_anon_vma');\n", '../../solutions/05-page-lock-anon-vma/page_lock_anon_vma'],
    ['/// <reference path="/etc/hostname" />\n', '/etc/hostname'],
  ];
  const errors = await Promise.all(cases.map(async ([line], i) => {
    const f = path.join(d, `t${i}.ts`);
    fs.writeFileSync(f, line + src);
    const r = await gradeFile(EX05, f, { only: ['quiet'] });
    return [r.error_kind, r.error];
  }));
  for (const [i, [, spec]] of cases.entries()) {
    expect(errors[i][0]).toBe('forbidden-import');
    expect(errors[i][1]).toContain(`a submission may import only the student API (sim/api), not "${spec}"`);
  }
});
