import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import { createPrometheusClient } from './adapters/prometheus/index.js';
import { createMemoryAnalysisStore } from './adapters/store/memory-store.js';
import { createRedisAnalysisStore } from './adapters/store/redis-store.js';
import { AnalysisService } from './analysis/analysis-service.js';
import { buildApi } from './api/build-api.js';
import type { Config } from './config.js';
import type { AnalysisStore } from './core/analysis/analysis-store.js';
import type { MetricsSource } from './core/analysis/metrics-source.js';
import type { Analysis, AnalysisRequest } from './core/analysis/model.js';
import { openBullmqConnections } from './jobs/bullmq/connections.js';
import { BullmqRunner, type BullmqRunnerOptions } from './jobs/bullmq-runner.js';
import { InProcessRunner, type JobRunner } from './jobs/runner.js';
import { TickScheduler } from './jobs/tick-scheduler.js';
import { failpointsFromEnv } from './telemetry/failpoints.js';
import { instrumentSource } from './telemetry/instrumented-source.js';
import { createTelemetry, type Telemetry } from './telemetry/metrics.js';
import { loadTemplates, renderMetrics, type LoadedTemplate } from './templates/index.js';
import { createClusterClients } from './adapters/kube/index.js';
import type { ClusterClient } from './core/rollout/cluster-client.js';
import type { Cluster } from './core/rollout/fleet.js';
import { buildRollouts, type Rollouts } from './rollout/build-rollouts.js';

export interface App {
  api: FastifyInstance;
  /** Runs the ticks: BullMQ workers when REDIS_URL is set, the in-process TickScheduler otherwise. */
  runner: JobRunner;
  service: AnalysisService;
  store: AnalysisStore;
  telemetry: Telemetry;
  /** Null unless FLEET_FILE and GIT_REPOS_FILE are set. */
  rollouts: Rollouts | null;
  close(): Promise<void>;
}

export interface AppOverrides {
  now?: () => number;
  /** Replace the Prometheus adapter (tests point it at a real or broken server instead). */
  source?: MetricsSource;
  registry?: import('prom-client').Registry;
  /** Tick and rollout lease ttl (ms); tests that kill a worker mid-tick shorten it. */
  leaseTtlMs?: number;
  /** How long a killed holder keeps the Git repo+branch lock (ms, default 60 s); crash tests shorten it. */
  gitLockTtlMs?: number;
  /** BullMQ runner tuning (analysis ticks and rollout work): tests run a fast clock (clockRate) and short locks. */
  jobs?: Partial<Pick<BullmqRunnerOptions, 'clockRate' | 'concurrency' | 'lockDurationMs' | 'stalledIntervalMs' | 'reconcileEveryMs' | 'busyRetryMs'>>;
  /** Replace the Kubernetes clients (the demo simulates its clusters). */
  clusterClients?: (fleet: Cluster[]) => (cluster: string) => ClusterClient;
  env?: NodeJS.ProcessEnv;
}

/**
 * The composition root's body: builds every adapter from the config and wires them to the core.
 * `main.ts` calls it and listens; tests call it with a real Prometheus and Redis on free ports.
 */
export async function buildApp(config: Config, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const now = overrides.now ?? Date.now;
  // Crash tests only: WAVEGATE_FAILPOINTS kills the process at named places (a no-op when unset).
  const failpoint = failpointsFromEnv(overrides.env ?? process.env);
  const telemetry = createTelemetry(overrides.registry, { defaultMetrics: overrides.registry === undefined });
  const loaded = await loadTemplates(config.TEMPLATES_DIR);
  for (const p of loaded.problems) logger.warn({ file: p.file, field: p.field }, `template problem: ${p.message}`);
  logger.info({ templates: [...loaded.templates.keys()], dir: config.TEMPLATES_DIR }, 'templates loaded');
  const templates: Map<string, LoadedTemplate> = loaded.templates;

  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true }) : null;
  redis?.on('error', (err: Error) => logger.warn({ code: (err as NodeJS.ErrnoException).code }, 'redis connection problem'));
  const store = redis ? createRedisAnalysisStore({ redis, prefix: config.REDIS_PREFIX }) : createMemoryAnalysisStore();

  const prometheus =
    overrides.source ??
    createPrometheusClient({
      baseUrl: config.PROMETHEUS_URL,
      timeoutMs: config.PROMETHEUS_TIMEOUT,
      logger: logger.child({ component: 'prometheus' }),
      ...(config.PROMETHEUS_BEARER_TOKEN ? { bearerToken: config.PROMETHEUS_BEARER_TOKEN } : {}),
    });
  const source = instrumentSource(prometheus, telemetry);
  const renderSpecs = (request: AnalysisRequest) =>
    renderMetrics(templates, { templates: request.templates, args: request.args, scopes: request.scopes, intervalMs: request.intervalMs });

  // Jobs wiring: the runner is built after the service it drives, and hears of new analyses through onChange.
  const jobs: { runner: JobRunner | null } = { runner: null };
  const service = new AnalysisService({
    store,
    source,
    renderSpecs,
    now,
    newId: randomUUID,
    logger: logger.child({ component: 'analysis' }),
    settleDelayMs: config.SETTLE_DELAY,
    owner: config.INSTANCE_ID,
    ...(overrides.leaseTtlMs === undefined ? {} : { leaseTtlMs: overrides.leaseTtlMs }),
    failpoint,
    onChange: (before: Analysis | null, after: Analysis, taken) => {
      telemetry.recordChange(before, after, taken);
      if (before === null) void jobs.runner?.analysisCreated(after);
    },
  });
  const runner: JobRunner = config.REDIS_URL
    ? new BullmqRunner({
        connections: openBullmqConnections(config.REDIS_URL, logger.child({ component: 'jobs' })),
        redisPrefix: config.REDIS_PREFIX,
        store,
        service,
        logger: logger.child({ component: 'jobs' }),
        now,
        workerName: config.INSTANCE_ID,
        onTick: (s) => telemetry.observeTick(s),
        ...overrides.jobs,
      })
    : new InProcessRunner(
        new TickScheduler({ store, service, logger: logger.child({ component: 'scheduler' }), now, pollMs: config.SCHEDULER_POLL, onTick: (s) => telemetry.observeTick(s) }),
      );
  jobs.runner = runner;

  const rollouts = await buildRollouts({
    config,
    env: overrides.env ?? process.env,
    redis,
    analyses: service,
    source,
    renderSpecs,
    clusterClients:
      overrides.clusterClients ??
      ((fleet) =>
        createClusterClients({
          ...(config.KUBECONFIG ? { kubeconfigPath: config.KUBECONFIG } : {}),
          clusters: Object.fromEntries(fleet.map((c) => [c.name, { context: c.context }])),
          timeoutMs: 10_000,
          logger: logger.child({ component: 'kube' }),
        })),
    now,
    logger,
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    ...(overrides.jobs ? { jobs: overrides.jobs } : {}),
    failpoint,
    leaseTtlMs: overrides.leaseTtlMs,
    gitLockTtlMs: overrides.gitLockTtlMs,
  });

  const api = await buildApi(
    {
      service,
      store,
      telemetry,
      now,
      ...(rollouts ? { rollouts: rollouts.service } : {}),
      templates: () => ({ count: templates.size, problems: loaded.problems }),
      validateRequest: (r) => void renderSpecs(r),
      metricsReachable: async () => {
        try {
          await source.instant('vector(1)', now());
          return true;
        } catch {
          return false;
        }
      },
      settings: {
        ...(config.API_TOKEN ? { apiToken: config.API_TOKEN } : {}),
        ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
        ...(config.GRAFANA_URL ? { grafanaUrl: config.GRAFANA_URL } : {}),
        grafanaDatasource: config.GRAFANA_DATASOURCE,
        defaultAlpha: config.DEFAULT_ALPHA,
        bodyLimitBytes: config.BODY_LIMIT_BYTES,
      },
    },
    logger,
  );

  return {
    api,
    runner,
    service,
    store,
    telemetry,
    rollouts,
    async close() {
      await rollouts?.runner.stop();
      await runner.stop();
      await rollouts?.store.close();
      await api.close();
      await store.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
