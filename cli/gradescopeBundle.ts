// `npm run gradescope-bundle -- ID [OUT.zip]`: the autograder zip for Gradescope's
// "Configure Autograder" page, for exercise ID. It holds the grader (the engine folders, the
// exercise index, package.json and its lock file), setup.sh (Node.js 20 and `npm ci`, run once
// when Gradescope builds the image) and run_autograder (grades /autograder/submission into
// /autograder/results/results.json through cli/gradescopeRun.ts). No reference solutions are
// shipped, except code an exercise grades against (the bug hunt's target).
// Exit: 0 written, 2 bad input.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXERCISES, findExercise, type ExerciseEntry } from '../exercises/index';
import { zipFolder } from './zip';
import { userPath } from './args';

const ROOT = path.resolve(__dirname, '..');
/** What the grader needs at run time (grader → explorer, trace, scenarios, sim, exercises/index). */
const FOLDERS = ['sim', 'explorer', 'scenarios', 'grader', 'trace', 'types'];
const FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'exercises/index.ts', 'cli/gradescopeRun.ts'];

export const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image: Node.js 20 or later
# (from NodeSource when the image has none or an older one), then the grader's dependencies.
set -euo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null 2>&1 || [ "$(node_major)" -lt 20 ]; then
  apt-get update -qq
  apt-get install -y -qq ca-certificates curl gnupg
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y -qq nodejs
fi
npm ci --omit=dev --no-audit --no-fund
# Compile the sandbox once now, so the first submission does not pay for it.
node_modules/.bin/ts-node -T -e "require('./grader/sandbox/compile').compiledSandbox()" || true
`;

export function runAutograder(ex: ExerciseEntry): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission (as /autograder/run_autograder): grade the files in
# /autograder/submission for ${ex.id} and write /autograder/results/results.json.
# AUTOGRADER_ROOT replaces /autograder (for testing the bundle away from Gradescope).
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
export AUTOGRADER_ROOT="$ROOT"
cd "$ROOT/source" || exit 1
mkdir -p "$ROOT/results"
exec node_modules/.bin/ts-node -T cli/gradescopeRun.ts ${ex.id}
`;
}

function copy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
}

/** Lay the bundle out in `dir` (what the zip holds): the paths, relative to `dir`. */
export function layOut(ex: ExerciseEntry, dir: string, root = ROOT): void {
  const target = (ex as { target?: { code?: string } }).target?.code;
  for (const f of [...FOLDERS, ...FILES, ...(target !== undefined ? [target] : [])]) {
    const src = path.join(root, f);
    if (!fs.existsSync(src)) throw new Error(`${f} is missing from ${root}`);
    copy(src, path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, 'setup.sh'), SETUP_SH, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'run_autograder'), runAutograder(ex), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'README-gradescope.md'), `# anon-vma-lab autograder: ${ex.id}\n\n${ex.title}\n\n`
    + 'Upload this zip on Gradescope (Programming assignment → Configure Autograder → Zip file upload, Ubuntu base image).\n'
    + `Students submit their \`${ex.stub}\` (the file alone, or their repository from GitHub).\n`
    + `Scenarios and points: ${ex.scenarios.map((s) => `${s.name} ${s.points}${s.hidden ? ' (hidden until published)' : ''}`).join(', ')}.\n`);
}

/** Build the zip; returns the tool that wrote it. */
export function buildBundle(ex: ExerciseEntry, out: string, o: { tool?: 'auto' | 'js'; root?: string } = {}): 'zip' | 'js' {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-gradescope-'));
  try {
    layOut(ex, dir, o.root);
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    return zipFolder(dir, out, o.tool ?? 'auto');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  require('./pipe'); // eslint-disable-line @typescript-eslint/no-require-imports
  const [id, outArg, ...rest] = process.argv.slice(2);
  const usage = `usage: npm run gradescope-bundle -- ID [OUT.zip]\nID is an exercise id or number: ${EXERCISES.map((e) => e.id).join(', ')}`;
  const ex = id === undefined ? undefined : findExercise(id);
  if (id === '-h' || id === '--help') process.stdout.write(`${usage}\n`);
  else if (ex === undefined || rest.length > 0 || outArg?.startsWith('-') === true) {
    const why = id === undefined ? 'expected an exercise ID' : ex === undefined ? `unknown exercise "${id}"`
      : rest.length > 0 ? 'too many arguments' : `unknown option ${outArg}`;
    process.stderr.write(`gradescope-bundle: ${why}\n${usage}\n`);
    process.exitCode = 2;
  } else {
    const out = userPath(outArg ?? `gradescope-${ex.id}.zip`);
    try {
      const tool = buildBundle(ex, out);
      process.stdout.write(`wrote ${out} (${(fs.statSync(out).size / 1024).toFixed(0)} KiB, ${tool === 'zip' ? 'zip' : 'store-only zip'}): upload it as the autograder of ${ex.id}\n`);
    } catch (e) {
      process.stderr.write(`gradescope-bundle: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    }
  }
}
