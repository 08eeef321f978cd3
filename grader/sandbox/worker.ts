// The sandbox worker: for each job the host posts, loads the submission into a fresh realm of
// its own, checks its exports, explores each scenario, records the counterexample (with the
// student's source lines), and posts one message per scenario, then 'done'. The parent
// enforces time and memory limits around it, and may send it another job (pool.ts).
import { parentPort, workerData } from 'worker_threads';
import type { WorkerInput, ToWorker, FromWorker } from './protocol';
import { provideApiSources } from './realm';
import { runScenario } from './runScenario';

const input = workerData as WorkerInput;
const post = (m: FromWorker): void => parentPort!.postMessage(m);
provideApiSources({ ...input.api });
parentPort!.on('message', (m: ToWorker) => {
  if (m.type !== 'job') return;
  runScenario(m.job, post);
  post({ type: 'done' });
});
