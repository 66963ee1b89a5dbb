import type { ChildProcess } from 'node:child_process';

/**
 * Sends `signal` (SIGTERM by default) and SIGKILL if the process is still there after `forceAfterMs`;
 * resolves once it has exited. A process that already exited resolves at once. The harness stops
 * every child it starts (Prometheus, redis-server, wavegate workers) through this.
 */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', forceAfterMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), forceAfterMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
