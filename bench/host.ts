// The machine and runtime a bench ran on, for the header and the JSON.
import * as os from 'os';

export interface Host {
  readonly cpu: string;
  readonly cpus: number;
  readonly memory_gib: number;
  readonly platform: string;
  readonly arch: string;
}

export function host(): Host {
  const cpus = os.cpus();
  return {
    cpu: (cpus[0]?.model ?? 'unknown').trim().replace(/\s+/g, ' '),
    cpus: cpus.length,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
  };
}
