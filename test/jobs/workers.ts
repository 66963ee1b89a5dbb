import { spawn, type ChildProcess } from 'node:child_process';
import type { SharedClock } from '../harness/worker-process.js';
import { stopChild } from '../harness/stop-child.js';

/** A worker process (test/harness/worker-process.ts) as the test sees it. */
export interface WorkerProcess {
  name: string;
  /** Send the shared clock; resolves when the runner runs. */
  start(clock: SharedClock): Promise<void>;
  /** SIGKILL: no goodbye, locks and leases left behind. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful close), SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** What it wrote to stderr (its logs). */
  output(): string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));

/** Spawns a worker and resolves once its modules are loaded (a couple of seconds under tsx). */
export async function spawnWorker(name: string, env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/harness/worker-process.ts'], {
    env: { ...process.env, INSTANCE_ID: name, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  const said = (what: string) =>
    new Promise<void>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m[what]) resolve();
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`worker ${name} exited before '${what}':\n${stderr}`)));
    });
  await said('loaded');
  const gone = (signal: NodeJS.Signals) => stopChild(child, signal, 10_000);
  return {
    name,
    async start(clock) {
      const started = said('started');
      child.send({ clock });
      await started;
    },
    kill: () => gone('SIGKILL'),
    stop: () => gone('SIGTERM'),
    output: () => stderr,
  };
}
