import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WorkloadRef, WorkloadStatus } from '../../src/core/rollout/cluster-client.js';
import type { GitChange, GitChangeResult } from '../../src/core/rollout/git-change.js';
import type { RolloutPlan } from '../../src/core/rollout/plan.js';
import type { RolloutStore } from '../../src/core/rollout/rollout-store.js';
import type { RolloutWorld } from '../../src/rollout/execute-action.js';
import { RolloutService } from '../../src/rollout/rollout-service.js';
import { fleet, plan } from '../fixtures/rollout.js';

/** The six fixture clusters; every app starts on 1.0.0 in each. */
const CLUSTERS = fleet().map((c) => c.name);
const appOf = (path: string) => /apps\/([^/]+)\//.exec(path)?.[1] ?? '?';

export interface FakeCommit {
  app: string;
  trailers: Record<string, string>;
  clusters: string[];
}

/**
 * The outside world of rollouts, in memory, shared by every "process" of a test: a Git repository
 * that recognises a replayed change by its trailers (as the real adapter does), clusters that run
 * what Git says after `convergeAfter` looks, and a record of how many side effects of one app ever
 * ran at the same time — the evidence that two workers never worked one rollout at once.
 */
export class FakeWorld {
  readonly commits: FakeCommit[] = [];
  /** Highest number of side effects of one app in flight at once, by app. */
  readonly maxInFlight = new Map<string, number>();
  /** Ms each Git apply takes (widens the window in which two workers could overlap). */
  applyMs = 20;
  /** Looks at a cluster, after a commit, before it reports the new version as running. */
  convergeAfter = 1;
  /** Replace to make an apply fail or hang. */
  onApply: ((change: GitChange) => Promise<void>) | null = null;
  private readonly versions = new Map<string, string>();
  private readonly looks = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  world(now: () => number): RolloutWorld {
    return {
      git: {
        readFile: (_repo, _branch, path) => this.effect(appOf(path), async () => `image:\n  tag: "${this.versions.get(path) ?? '1.0.0'}"\n`),
        apply: (change) => this.effect(appOf(change.edits[0]!.path), () => this.apply(change)),
        history: async () => [],
      },
      cluster: () => ({
        workloadStatus: (ref) => this.effect(ref.namespace, async () => this.status(ref)),
        watchWorkload: async () => undefined,
      }),
      analyses: {
        create: async () => {
          throw new Error('no analyses in these plans');
        },
        abort: async () => {
          throw new Error('no analyses in these plans');
        },
        get: async () => {
          throw new Error('no analyses in these plans');
        },
      },
      budgetGate: async () => ({ open: true, reason: 'no gate' }),
      now,
    };
  }

  private async apply(change: GitChange): Promise<GitChangeResult> {
    await new Promise((r) => setTimeout(r, this.applyMs));
    await this.onApply?.(change);
    const trailers = Object.fromEntries(change.trailers);
    const same = this.commits.find((c) => change.idempotencyTrailers.every((k) => c.trailers[k] === trailers[k]));
    const files = change.edits.map((e) => e.path);
    if (same) return { sha: `sha-${this.commits.indexOf(same)}`, created: false, attempts: 1, files };
    for (const e of change.edits) if (e.kind === 'yamlField') this.versions.set(e.path, e.value);
    this.commits.push({ app: appOf(files[0]!), trailers, clusters: files.map((f) => /clusters\/([^/]+)\//.exec(f)![1]!) });
    return { sha: `sha-${this.commits.length - 1}`, created: true, attempts: 1, files };
  }

  private status(ref: WorkloadRef): WorkloadStatus {
    const path = `clusters/${ref.cluster}/apps/${ref.namespace}/values.yaml`;
    const version = this.versions.get(path) ?? '1.0.0';
    const key = `${path}@${version}`;
    const looks = (this.looks.get(key) ?? 0) + 1;
    this.looks.set(key, looks);
    const running = looks > this.convergeAfter ? version : 'previous';
    return {
      ref,
      resourceVersion: String(looks),
      generation: 1,
      observedGeneration: 1,
      replicas: 1,
      currentReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      readyReplicas: 1,
      images: [`ghcr.io/acme/${ref.namespace}:${running}`],
      conditions: [],
      converged: true,
      stuck: false,
      reason: 'fake',
    };
  }

  private async effect<T>(app: string, run: () => Promise<T>): Promise<T> {
    const n = (this.inFlight.get(app) ?? 0) + 1;
    this.inFlight.set(app, n);
    this.maxInFlight.set(app, Math.max(n, this.maxInFlight.get(app) ?? 0));
    try {
      return await run();
    } finally {
      this.inFlight.set(app, (this.inFlight.get(app) ?? 1) - 1);
    }
  }
}

/** A plan for `app` over the fixture fleet whose steps only bake (no analysis): 5 batches, so 5 commits. */
export function bakePlan(app: string, over: { bakeMs?: number; approveWave?: number } = {}): RolloutPlan {
  const p = plan();
  return {
    ...p,
    app,
    version: '2.0.0',
    git: { ...p.git, pathTemplate: `clusters/{cluster}/apps/${app}/values.yaml` },
    workload: { namespace: app, kind: 'Deployment', name: app },
    waves: p.waves.map((w, i) => ({ ...w, approval: over.approveWave === i, steps: [{ name: 'bake', bakeMs: over.bakeMs ?? 0, analysis: null }] })),
  };
}

/** One "process": a RolloutService of its own (its own lease owner) over the shared store and world. */
export function rolloutService(opts: { store: RolloutStore; world: FakeWorld; now: () => number; logger: Logger; owner?: string; leaseTtlMs?: number; onChange?: RolloutServiceOnChange }): RolloutService {
  return new RolloutService({
    store: opts.store,
    world: opts.world.world(opts.now),
    fleet: fleet,
    renderSpecs: () => [],
    repos: () => ['fleet'],
    now: opts.now,
    newId: randomUUID,
    owner: opts.owner ?? `worker-${randomUUID().slice(0, 8)}`,
    logger: opts.logger,
    ...(opts.leaseTtlMs === undefined ? {} : { leaseTtlMs: opts.leaseTtlMs }),
    ...(opts.onChange ? { onChange: opts.onChange } : {}),
  });
}

type RolloutServiceOnChange = NonNullable<ConstructorParameters<typeof RolloutService>[0]['onChange']>;

export { CLUSTERS };
