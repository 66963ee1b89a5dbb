/**
 * A wavegate worker process for tests: the real composition (`buildApp` with REDIS_URL) whose BullMQ
 * runner is started as `main.ts` starts it, without an HTTP listener. Spawn it with
 * `node --import tsx test/harness/worker-process.ts` and an IPC channel (see test/jobs/workers.ts).
 *
 * Env: the service's own variables (REDIS_URL, REDIS_PREFIX, PROMETHEUS_URL, INSTANCE_ID…) plus
 *   WG_LEASE_TTL_MS   tick lease ttl, so a SIGKILLed holder does not block the others for a minute
 *   WG_LOCK_MS        BullMQ job lock duration
 *   WG_STALLED_MS     BullMQ stalled-job check interval
 *   WG_CONCURRENCY    jobs at once
 * IPC: the child says `{ loaded: true }`; the parent answers `{ clock: { base, t0, rate } }` (the
 * test's fast clock, shared by every process: base + (Date.now() − t0)·rate); the child then builds
 * and starts the app and says `{ started: true }`. SIGTERM closes the app and exits 0.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/telemetry/logger.js';

export interface SharedClock {
  base: number;
  t0: number;
  rate: number;
}

const numberEnv = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

async function run({ base, t0, rate }: SharedClock): Promise<App> {
  const config = parseConfig({ TEMPLATES_DIR: 'analysis-templates', LOG_LEVEL: 'warn', ...process.env });
  const leaseTtlMs = numberEnv('WG_LEASE_TTL_MS');
  const lockDurationMs = numberEnv('WG_LOCK_MS');
  const stalledIntervalMs = numberEnv('WG_STALLED_MS');
  const concurrency = numberEnv('WG_CONCURRENCY');
  const app = await buildApp(config, createLogger(config.LOG_LEVEL, pino.destination(2)), {
    now: () => base + (Date.now() - t0) * rate,
    registry: new Registry(),
    ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }),
    jobs: {
      clockRate: rate,
      busyRetryMs: 200,
      ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
      ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
      ...(concurrency === undefined ? {} : { concurrency }),
    },
  });
  await app.runner.start();
  await app.rollouts?.runner.start();
  return app;
}

let app: Promise<App> | null = null;
process.on('message', (message: { clock?: SharedClock }) => {
  if (!message.clock || app) return;
  app = run(message.clock);
  app.then(
    () => process.send?.({ started: true }),
    (err: unknown) => {
      process.stderr.write(`worker-process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
});
process.once('SIGTERM', () => {
  void (app ?? Promise.resolve(null)).then((a) => a?.close()).finally(() => process.exit(0));
});
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM')); // the test runner went away
process.send?.({ loaded: true });
