/**
 * Runs chunks of simulated rollouts on worker threads (one per core by default) and hands back
 * each scenario's outcomes in run order, so the result does not depend on the number of workers.
 */
import { Worker } from 'node:worker_threads';
import type { ChunkResult } from './run-scenario.js';

export interface Task {
  scenario: string;
  from: number;
  to: number;
}

export async function runPool(tasks: readonly Task[], workers: number, onDone: (task: Task) => void): Promise<Map<Task, ChunkResult>> {
  const results = new Map<Task, ChunkResult>();
  const queue = [...tasks];
  const entry = new URL('./worker-entry.mjs', import.meta.url);
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const next = () => {
        const task = queue.shift();
        if (!task) return resolve();
        worker.postMessage(task);
      };
      worker.on('message', (msg: { task: Task; result: ChunkResult }) => {
        const original = tasks.find((t) => t.scenario === msg.task.scenario && t.from === msg.task.from)!;
        results.set(original, msg.result);
        onDone(original);
        next();
      });
      worker.on('error', reject);
      next();
    });
  const pool = Array.from({ length: Math.max(1, workers) }, () => new Worker(entry));
  try {
    await Promise.all(pool.map(run));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
