// The sandbox worker: loads the submission into its own realm, checks its exports, explores
// each scenario, records the counterexample (with the student's source lines), and posts one
// message per scenario. The parent enforces time and memory limits around it.
import { parentPort, workerData } from 'worker_threads';
import type { Job, FromWorker } from './protocol';
import { runScenario } from './runScenario';

const post = (m: FromWorker): void => parentPort!.postMessage(m);
runScenario(workerData as Job, post);
post({ type: 'done' });
