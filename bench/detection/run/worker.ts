/** A benchmark worker: runs the chunks it is sent and posts their outcomes back. */
import { parentPort } from 'node:worker_threads';
import { shippedSpecs } from '../judges/wavegate.js';
import { scenarioById } from '../scenarios.js';
import { runChunk } from './run-scenario.js';
import type { Task } from './pool.js';

const specs = shippedSpecs();
parentPort!.on('message', (task: Task) => {
  parentPort!.postMessage({ task, result: runChunk(scenarioById(task.scenario), specs, task.from, task.to) });
});
