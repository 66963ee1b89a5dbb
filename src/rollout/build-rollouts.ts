import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createGitRepository, createMemoryLock, createRedisLock } from '../adapters/git/index.js';
import { createMemoryRolloutStore } from '../adapters/store/rollout-memory-store.js';
import { createRedisRolloutStore } from '../adapters/store/rollout-redis-store.js';
import type { AnalysisService } from '../analysis/analysis-service.js';
import type { Config } from '../config.js';
import type { MetricsSource } from '../core/analysis/metrics-source.js';
import type { AnalysisRequest, MetricSpec } from '../core/analysis/model.js';
import type { ClusterClient } from '../core/rollout/cluster-client.js';
import type { Cluster } from '../core/rollout/fleet.js';
import type { RolloutStore } from '../core/rollout/rollout-store.js';
import { BullmqRolloutRunner, type BullmqRolloutRunnerOptions } from '../jobs/bullmq/bullmq-rollout-runner.js';
import { openBullmqConnections } from '../jobs/bullmq/connections.js';
import { bullmqPrefix } from '../jobs/bullmq-runner.js';
import { RolloutPoller } from '../jobs/rollout-poller.js';
import { InProcessRolloutRunner, type RolloutRunner } from '../jobs/rollout-runner.js';
import type { Failpoint } from '../telemetry/failpoints.js';
import { createBudgetGate } from './budget-gate.js';
import { loadFleet, loadRepos } from './config-files.js';
import { RolloutService } from './rollout-service.js';

export interface Rollouts {
  service: RolloutService;
  store: RolloutStore;
  /** Works the rollouts: BullMQ jobs when REDIS_URL is set, the in-process RolloutPoller otherwise. */
  runner: RolloutRunner;
  fleet: Cluster[];
}

/** BullMQ tuning for tests (fast clocks, short locks); production uses the defaults. */
export type RolloutJobTuning = Partial<Pick<BullmqRolloutRunnerOptions, 'clockRate' | 'concurrency' | 'lockDurationMs' | 'stalledIntervalMs' | 'reconcileEveryMs' | 'busyRetryMs'>>;

export interface RolloutDeps {
  config: Config;
  env: NodeJS.ProcessEnv;
  redis: Redis | null;
  analyses: AnalysisService;
  source: MetricsSource;
  renderSpecs: (r: AnalysisRequest) => MetricSpec[];
  /** Reads workload status in a cluster (built from the kubeconfig in app.ts, or a simulation in the demo). */
  clusterClients: (fleet: Cluster[]) => (cluster: string) => ClusterClient;
  now: () => number;
  logger: Logger;
  publicUrl?: string;
  jobs?: RolloutJobTuning;
  /** Crash-test hook (telemetry/failpoints.ts) for the service and the Git adapter; a no-op in production. */
  failpoint?: Failpoint;
  /** Rollout lease and Git lock ttls (ms); crash tests shorten them so a killed holder blocks its successor briefly. */
  leaseTtlMs?: number;
  gitLockTtlMs?: number;
}

/**
 * Wires rollouts when the fleet and repositories are configured: the Git adapter (with a Redis lock
 * when several processes share a repository), the rollout store, the service and its runner.
 * Returns null when rollouts are not configured.
 */
export async function buildRollouts(d: RolloutDeps): Promise<Rollouts | null> {
  const { config } = d;
  if (!config.FLEET_FILE || !config.GIT_REPOS_FILE) return null;
  const fleet = await loadFleet(config.FLEET_FILE);
  const repos = await loadRepos(config.GIT_REPOS_FILE, d.env);
  const git = createGitRepository({
    repos,
    workDir: config.GIT_WORK_DIR ?? join(tmpdir(), `wavegate-git-${config.INSTANCE_ID}`),
    lock: d.redis ? createRedisLock({ redis: d.redis, prefix: `${config.REDIS_PREFIX}git-lock:` }) : createMemoryLock(),
    logger: d.logger.child({ component: 'git' }),
    now: d.now,
    lockTtlMs: d.gitLockTtlMs,
    failpoint: d.failpoint,
  });
  const store = d.redis ? createRedisRolloutStore({ redis: d.redis, prefix: config.REDIS_PREFIX }) : createMemoryRolloutStore();
  // The runner is built after the service it drives, and hears of submits and commands through onChange.
  const wake: { runner: RolloutRunner | null } = { runner: null };
  const service = new RolloutService({
    store,
    fleet: () => fleet,
    repos: () => Object.keys(repos),
    renderSpecs: d.renderSpecs,
    now: d.now,
    newId: randomUUID,
    owner: config.INSTANCE_ID,
    leaseTtlMs: d.leaseTtlMs,
    failpoint: d.failpoint,
    logger: d.logger.child({ component: 'rollout' }),
    onChange: (before, after) => wake.runner?.rolloutChanged(before, after),
    world: {
      git,
      cluster: d.clusterClients(fleet),
      analyses: { create: (r) => d.analyses.create(r), get: (id) => d.analyses.get(id), abort: (id, reason, by) => d.analyses.abort(id, reason, by) },
      budgetGate: createBudgetGate({ source: d.source, renderSpecs: d.renderSpecs, now: d.now }),
      current: (id) => store.get(id),
      now: d.now,
      ...(d.publicUrl ? { explanationBaseUrl: d.publicUrl } : {}),
    },
  });
  const logger = d.logger.child({ component: 'rollout-jobs' });
  const runner: RolloutRunner = config.REDIS_URL
    ? new BullmqRolloutRunner({
        connections: openBullmqConnections(config.REDIS_URL, logger),
        prefix: bullmqPrefix(config.REDIS_PREFIX),
        store,
        service,
        logger,
        now: d.now,
        pollMs: config.ROLLOUT_POLL,
        workerName: config.INSTANCE_ID,
        ...d.jobs,
      })
    : new InProcessRolloutRunner(new RolloutPoller({ store, service, logger: d.logger.child({ component: 'rollout-poller' }), now: d.now, pollMs: config.ROLLOUT_POLL }));
  wake.runner = runner;
  return { service, store, runner, fleet };
}
