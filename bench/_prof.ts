import { suite } from './suite';
import { dpor } from '../explorer/dpor';
import { runOnce, stay } from '../explorer/run';
import { performance } from 'perf_hooks';
const name = process.argv[2] ?? 'seed-churn-1/hugh';
const sc = suite(false).find((s) => s.name === name)!;
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const d = dpor(sc.factory, { stopOnBug: false });
  const ms = performance.now() - t;
  // baseline 1: the simulator alone, same number of executions, non-preemptive schedule
  t = performance.now();
  let st = 0;
  for (let e = 0; e < d.executions; e++) { const m = sc.factory({ haltOnFailure: false }); let last = -1; while (!m.checkEnd()) { const en = m.enabled(); const p = stay(en, last); m.step(p); last = p; st++; } }
  const simMs = performance.now() - t;
  // baseline 2: factory only
  t = performance.now();
  for (let e = 0; e < d.executions; e++) sc.factory({ haltOnFailure: false });
  const facMs = performance.now() - t;
  console.log(`dpor ${d.executions} ex ${d.steps} steps ${ms.toFixed(0)} ms = ${(ms * 1e6 / d.steps).toFixed(0)} ns/step | sim only ${st} steps ${simMs.toFixed(0)} ms = ${(simMs * 1e6 / st).toFixed(0)} ns/step | factory ${(facMs * 1e6 / d.executions).toFixed(0)} ns/exec`);
}
