// The sandbox process's entry: for each job the host sends, loads the submission into a fresh
// realm of its own, checks its exports, explores each scenario, records the counterexample
// (with the student's source lines), and sends one message per scenario, then 'done'. The
// host enforces time and memory limits around it, and may send it another job (pool.ts).
import type { WorkerInput, ToWorker, FromWorker } from './protocol';
import { provideApiSources } from './realm';
import { runScenario } from './runScenario';

/** Called by the boot code (compile.ts, BOOT) with what the host sent first. */
export function start(input: WorkerInput): void {
  const post = (m: FromWorker): void => { process.send!(m); };
  provideApiSources({ ...input.api });
  process.on('message', (m: ToWorker) => {
    if (m.type !== 'job') return;
    runScenario(m.job, post);
    post({ type: 'done' });
  });
}
