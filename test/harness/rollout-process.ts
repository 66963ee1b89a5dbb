/**
 * One incarnation of a wavegate process for the crash tests: the real composition (`buildApp` with
 * REDIS_URL, FLEET_FILE, GIT_REPOS_FILE, KUBECONFIG) running what `main.ts` runs — the API on a free
 * 127.0.0.1 port, the analysis runner and the rollout runner — on an accelerated clock that every
 * incarnation shares, so a restart continues the same simulated timeline over backfilled Prometheus
 * history. Spawn it with `node --import tsx test/harness/rollout-process.ts` and an IPC channel
 * (test/crash/incarnation.ts); it may be spawned ahead of time and started later.
 *
 * Env: the service's own variables (GIT_WORK_DIR private to each incarnation) plus
 *   WG_CLOCK             `base,t0,rate`: now = base + (Date.now() − t0)·rate
 *   WG_LEASE_TTL_MS      tick and rollout leases (Redis expires them in real ms)
 *   WG_GIT_LOCK_TTL_MS   the repo+branch Git lock a killed holder leaves behind
 *   WG_LOCK_MS, WG_STALLED_MS, WG_RECONCILE_MS   BullMQ job lock, stalled check, reconcile period
 *   WAVEGATE_FAILPOINTS  `name:n,…` (src/telemetry/failpoints.ts): SIGKILL itself at the n-th pass
 * IPC: `{ loaded: true }` once the modules are loaded; the parent answers `{ start: true }`; the child
 * builds and starts the app and answers `{ started: true, port }`. SIGTERM closes the app and exits 0.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/telemetry/logger.js';

const numberEnv = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

function sharedClock(): { now: () => number; rate: number } {
  const [base, t0, rate] = (process.env.WG_CLOCK ?? '').split(',').map(Number);
  if (!base || !t0 || !rate) throw new Error('rollout-process: WG_CLOCK must be "base,t0,rate"');
  return { now: () => base + (Date.now() - t0) * rate, rate };
}

async function run(): Promise<{ app: App; port: number }> {
  const config = parseConfig({ TEMPLATES_DIR: 'analysis-templates', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', ...process.env });
  const { now, rate } = sharedClock();
  const optional = <K extends string>(key: K, env: string) => {
    const value = numberEnv(env);
    return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, number>>;
  };
  const app = await buildApp(config, createLogger(config.LOG_LEVEL, pino.destination(2)), {
    now,
    registry: new Registry(),
    ...optional('leaseTtlMs', 'WG_LEASE_TTL_MS'),
    ...optional('gitLockTtlMs', 'WG_GIT_LOCK_TTL_MS'),
    jobs: {
      clockRate: rate,
      busyRetryMs: 200,
      ...optional('lockDurationMs', 'WG_LOCK_MS'),
      ...optional('stalledIntervalMs', 'WG_STALLED_MS'),
      ...optional('reconcileEveryMs', 'WG_RECONCILE_MS'),
    },
  });
  if (!app.rollouts) throw new Error('rollout-process: rollouts are not configured (FLEET_FILE, GIT_REPOS_FILE)');
  const address = await app.api.listen({ host: config.HOST, port: config.PORT });
  await app.runner.start();
  await app.rollouts.runner.start();
  return { app, port: Number(new URL(address).port) };
}

let started: Promise<{ app: App; port: number }> | null = null;
process.on('message', (message: { start?: boolean }) => {
  if (!message.start || started) return;
  started = run();
  started.then(
    ({ port }) => process.send?.({ started: true, port }),
    (err: unknown) => {
      process.stderr.write(`rollout-process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
});
process.once('SIGTERM', () => {
  void (started ?? Promise.resolve(null))
    .then((s) => s?.app.close())
    .finally(() => process.exit(0));
});
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM')); // the test runner went away
process.send?.({ loaded: true });
