// The drawn trace in a real browser: Debian's chromium, driven by playwright-core, loads the page
// drawn for the 2.6.36-rc2 seed failure (found by the explorer, recorded with source lines) and
// is stepped through as a presenter would. Chromium must be installed (.ci/run does it): without
// /usr/bin/chromium this test fails, it does not skip.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { scenariosFor } from '../../scenarios/registry';
import { instantiate } from '../../scenarios/scenario';
import { explore } from '../../explorer/explore';
import { record } from '../../explorer/record';
import { decode } from '../../explorer/schedule';
import { __setCaptureLocations } from '../../sim/api';
import { traceHtml } from '../../trace/html';
import type { Trace } from '../../trace/trace';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const RC2 = path.resolve(__dirname, '..', '..', 'solutions', '05-page-lock-anon-vma', 'history', '2.6.36-rc2.ts');
const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'anon-vma-lab-html-'));

function seedTrace(): Trace {
  const subject = require(RC2);
  const sc = scenariosFor('page-lock', 'seed')!;
  const factory = (o: Parameters<typeof instantiate>[2]) => instantiate(sc, subject, o);
  const v = explore(factory, { maxMs: 30000 });
  if (v.kind !== 'BUG') throw new Error(`expected the seed to fail on 2.6.36-rc2, got ${v.kind}`);
  return record('seed', factory, decode(v.schedule), __setCaptureLocations);
}

let browser: Browser;
let page: Page;
let trace: Trace;
const requests: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the HTML trace test needs Debian's chromium. Install it with \`apt-get install -y chromium\` (.ci/run does).`);
  }
  trace = seedTrace();
  const lines = fs.readFileSync(RC2, 'utf8').split('\n');
  const html = traceHtml(trace, {
    title: '05-page-lock-anon-vma · 2.6.36-rc2.ts', summary: scenariosFor('page-lock', 'seed')!.summary,
    source: (f, n) => (path.resolve(f) === RC2 ? lines[n - 1] : undefined),
    replayCommand: `npm run grade -- 05-page-lock-anon-vma ${path.relative(process.cwd(), RC2)} --replay '${trace.schedule}' --scenario seed`,
  });
  const file = path.join(OUT, 'seed.html');
  fs.writeFileSync(file, html);
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${file}`);
}, 120_000);

afterAll(async () => { await browser?.close(); });

const cursorCol = async (): Promise<number> => Number(await page.getAttribute('#cursor', 'data-col'));
const cursorX = async (): Promise<number> => Number(await page.getAttribute('#cursor', 'x'));

test('one page, nothing fetched, no script errors; the header names the scenario, the bug and the replay string', async () => {
  expect(requests.every((u) => u.startsWith('file:') || u.startsWith('data:'))).toBe(true);
  expect(errors).toEqual([]);
  const header = await page.textContent('header');
  expect(header).toContain('BUG: bad-unlock');
  expect(header).toContain('scenario seed');
  expect(header).toContain('WARNING: bad unlock balance detected!');
  expect(await page.textContent('#schedule')).toBe(trace.schedule);
  expect(await page.textContent('#reports')).toContain('walker is trying to release lock (&anon_vma@0x80->lock)');
});

test('one swimlane per thread, named, and a step mark for every step', async () => {
  expect(await page.locator('#lanes .lane').count()).toBe(trace.threads.length);
  expect(await page.locator('#lanes .lane-name').allTextContents()).toEqual([...trace.threads]);
  expect(trace.threads).toEqual(['walker', 'exit', 'fork', 'fault']);
  expect(await page.locator('#lanes .step').count()).toBe(trace.events.length);
  // Locks held as bars: the walker's page lock, and the anon_vma@0x40 lock it never released.
  const holds = await page.locator('#lanes .hold title').allTextContents();
  expect(holds).toContain('walker holds &anon_vma@0x40->lock (still held)');
  expect(holds.some((h) => h.startsWith('exit holds &anon_vma@0x40->lock'))).toBe(true);
  expect(await page.textContent('#lanes .wait')).toContain('fault spins in spin_lock(&anon_vma@0x40->lock)');
  // Incarnations: anon_vma@0x40 #1, #2 and #3 each get their own colour.
  const swatches = await page.locator('#legend .obj', { hasText: 'anon_vma@0x40' }).locator('.sw').evaluateAll((els) => els.map((e) => (e as unknown as { style: { background: string } }).style.background));
  expect(swatches).toHaveLength(3);
  expect(new Set(swatches).size).toBe(3);
});

test('the fatal step is marked and the page opens on it', async () => {
  const fatal = page.locator('#lanes .step.fatal');
  expect(await fatal.count()).toBe(1);
  expect(Number(await fatal.getAttribute('data-i'))).toBe(trace.failure!.step);
  expect(await page.textContent('#lanes .failure.fatal')).toContain('✗ bad-unlock');
  expect(await cursorCol()).toBe(Number(await fatal.getAttribute('data-col')));
  expect(await page.textContent('#stepno')).toContain(`step ${trace.failure!.step}`);
  expect(await page.textContent('#detail')).toContain('yield* spin_unlock(root.lock);');
});

test('the slider and the arrow keys step through; the current-step indicator moves and later steps dim', async () => {
  await page.keyboard.press('Home');
  expect(await cursorCol()).toBe(0);
  expect(await page.textContent('#stepno')).toMatch(/^step 0 \//);
  const x0 = await cursorX();
  for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
  expect(await cursorCol()).toBe(3);
  expect(await cursorX()).toBeGreaterThan(x0);
  expect(await page.inputValue('#slider')).toBe('3');
  expect(await page.locator('#lanes .step.future').count()).toBe(trace.events.length - 4);
  await page.keyboard.press('ArrowLeft');
  expect(await cursorCol()).toBe(2);
  // What dragging the slider does: a new value, then an input event (the page has no DOM types here).
  await page.locator('#slider').evaluate((el) => {
    const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean };
    input.value = '20';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  expect(await cursorCol()).toBe(20);
  expect(await page.textContent('#stepno')).toMatch(/^step 20 \//);
  expect(await page.textContent('#detail')).toContain('fork:');
  await page.click('#next');
  expect(await cursorCol()).toBe(21);
  await page.keyboard.press('End');
  expect(await page.locator('#lanes .step.future').count()).toBe(0);
  expect(await page.textContent('#detail')).toContain('hang');
  await page.keyboard.press('f');
  expect(await page.textContent('#stepno')).toContain('✗');
});

test('hovering a step of the student\'s shows its source line; clicking one moves the cursor there', async () => {
  const step = page.locator('#lanes .step.fatal');
  await step.hover();
  const tip = page.locator('#tip');
  expect(await tip.isVisible()).toBe(true);
  expect(await tip.textContent()).toContain('2.6.36-rc2.ts:24');
  expect(await tip.textContent()).toContain('yield* spin_unlock(root.lock);');
  const lockStep = page.locator('#lanes .step.own', { has: page.locator('rect.mark') }).first(); // spin_lock, line 17
  await lockStep.click();
  expect(await cursorCol()).toBe(Number(await lockStep.getAttribute('data-col')));
  expect(await page.textContent('#detail .src .hit')).toContain('yield* spin_lock(root.lock);');
  await page.mouse.move(5, 5);
  expect(await tip.isVisible()).toBe(false);
});

test('a screenshot at 1280×720 is a real picture of the swimlanes', async () => {
  await page.keyboard.press('f');
  const shot = path.join(OUT, 'seed-1280x720.png');
  await page.screenshot({ path: shot });
  const png = fs.readFileSync(shot);
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 720]); // IHDR
  expect(png.length).toBeGreaterThan(40_000); // a blank or near-blank page compresses to a few KB
  const box = await page.locator('#lanes').boundingBox();
  expect(box!.width).toBeLessThanOrEqual(1280);
  expect(box!.y + box!.height).toBeLessThan(720); // every lane on screen at once
  process.stdout.write(`screenshot: ${shot}\n`);
});

test("a step in the student's own helper shows, in its panel, the line that called the helper", async () => {
  const lines: Record<number, string> = { 10: '  if (yield* atomic_dec_and_test(obj.refcount)) yield* kfree(obj);', 27: '    yield* obj_put(obj); // after a failed pin' };
  const t: Trace = {
    scenario: 'remove', threads: ['lookup'], schedule: 'v1:0*2', preemptions: 0,
    events: [
      { i: 0, tid: 0, k: 'atomic_inc_not_zero', name: 'atomic_inc_not_zero', obj: 'obj@0x6000 #1 (free) .refcount', result: 'false (now 0)', loc: 'sub.ts:26' },
      { i: 1, tid: 0, k: 'atomic_dec_and_test', name: 'atomic_dec_and_test', obj: 'obj@0x6000 #1 (free) .refcount', loc: 'sub.ts:10', from: 'sub.ts:27' },
    ],
    failures: [{ kind: 'use-after-free', tid: 0, step: 1, why: 'a reference count went below zero', report: 'refcount_t: underflow; use-after-free.' }],
  };
  const file = path.join(OUT, 'helper.html');
  fs.writeFileSync(file, traceHtml({ ...t, failure: t.failures[0] }, { source: (_f, n) => lines[n] ?? (n === 26 ? '  if (!(yield* atomic_inc_not_zero(obj.refcount))) {' : undefined), context: 0 }));
  const p2 = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    const errs: string[] = [];
    p2.on('pageerror', (e) => errs.push(e.message));
    await p2.goto(`file://${file}`);
    await p2.keyboard.press('f');
    const detail = await p2.textContent('#detail');
    expect(detail).toContain('sub.ts:10');
    expect(detail).toMatch(/called from\s*sub\.ts:27\s*27\s*yield\* obj_put\(obj\);/);
    expect(errs).toEqual([]);
  } finally {
    await p2.close();
  }
});
