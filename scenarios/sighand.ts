// Exercise 08's scenarios: a signal sender locks a task's sighand with lock_task_sighand() while
// the task exits (its sighand freed at once to a SLAB_TYPESAFE_BY_RCU cache), execs (its shared
// sighand replaced under the old siglock), and other processes fork (possibly reallocating the
// freed slot as their own sighand, siglock and all). Pids: the task is 1, the process sharing
// its handlers 2, a newly forked process 3.
import { TaskWorld } from '../sim/worldTask';
import { exec, exit_signal, fork_process } from '../sim/mm/sighand';
import type { Scenario } from './scenario';
import { SighandSubject, signalSender } from './sighandHarness';

type S = Scenario<SighandSubject>;
/** The sighand pattern has not changed since 2.6.x; the version knob does not apply. */
const V = '2.6.36';

export function quiet(): S {
  return {
    name: 'quiet', summary: 'nobody else runs: the task keeps its sighand', version: V,
    build(m, subject) {
      const w = new TaskWorld(m);
      const tsk = w.task(1);
      m.spawn('kill', () => signalSender(tsk, subject));
    },
  };
}

export function exit(): S {
  return {
    name: 'exit', summary: 'the task exits: tsk->sighand = NULL under the siglock, and the last put frees the sighand', version: V,
    build(m, subject) {
      const w = new TaskWorld(m);
      const tsk = w.task(1);
      m.spawn('kill', () => signalSender(tsk, subject));
      m.spawn('exit', () => exit_signal(tsk));
    },
  };
}

export function execShared(): S {
  return {
    name: 'exec', summary: 'the task execs: its sighand, shared with pid 2 (CLONE_SIGHAND), is replaced under the old siglock', version: V,
    build(m, subject) {
      const w = new TaskWorld(m);
      const tsk = w.task(1);
      w.sharing(tsk);
      m.spawn('kill', () => signalSender(tsk, subject));
      m.spawn('exec', () => exec(tsk, 1));
    },
  };
}

export function reuse(): S {
  return {
    name: 'reuse', summary: 'the task exits and its sighand is freed; a fork (pid 3) may get the same slot as its own sighand', version: V,
    build(m, subject) {
      const w = new TaskWorld(m);
      const tsk = w.task(1);
      const child = w.bareTask();
      m.spawn('kill', () => signalSender(tsk, subject));
      m.spawn('exit', () => exit_signal(tsk));
      m.spawn('fork', () => fork_process(child, 3));
    },
  };
}

export function execReuse(): S {
  return {
    name: 'exec-reuse', summary: 'the task execs (new sighand), pid 2 exits (the old one is freed), and a fork may reuse its slot', version: V,
    build(m, subject) {
      const w = new TaskWorld(m);
      const tsk = w.task(1);
      const sharer = w.sharing(tsk);
      const child = w.bareTask();
      m.spawn('kill', () => signalSender(tsk, subject));
      m.spawn('exec', () => exec(tsk, 1));
      m.spawn('exit', () => exit_signal(sharer));
      m.spawn('fork', () => fork_process(child, 3));
    },
  };
}

export const SIGHAND: Readonly<Record<string, () => S>> = { quiet, exit, exec: execShared, reuse, 'exec-reuse': execReuse };
