import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../core/stats/random.js';
import { WavegateClient, type RolloutView } from './api-client.js';
import { Cleanup } from './cleanup.js';
import { monitorConvergence } from './convergence-monitor.js';
import { APP, BRANCH, createFleetRepo, DEMO_CLUSTERS, valuesPath } from './fleet.js';
import { fleetLog, fleetVersions, type FleetCommit } from './fleet-log.js';
import { followRollout } from './follow-rollout.js';
import { git } from './git.js';
import { GitSync } from './git-sync.js';
import { serveMetrics } from './metrics-server.js';
import { Narrator } from './narrator.js';
import { paymentsPlan, type DemoTimings } from './plans.js';
import { findPrometheus, startPrometheus, type DemoPrometheus } from './prometheus.js';
import { SimulatedDeployment } from './simulated-cluster.js';
import { startWavegate } from './start-wavegate.js';
import { demoProfile, SyntheticWorkload } from './workload.js';

export const VERSIONS = { running: '1.4.1', good: '1.4.2', bad: '1.5.0' } as const;

export interface DemoOptions {
  /** `auto` (default): a real Prometheus when the binary is installed, simulated metrics otherwise. */
  metrics?: 'auto' | 'prometheus' | 'simulated';
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  /** Aborting it (Ctrl-C) stops the demo; everything is cleaned up before `runDemo` rejects. */
  signal?: AbortSignal;
  /** Seed of the synthetic traffic. */
  seed?: number;
  timings?: Partial<DemoTimings>;
  /** Bound on each rollout (default 4 min). */
  rolloutTimeoutMs?: number;
  /** Requests per second per cluster (default 200). */
  requestsPerSecond?: number;
  /** Where to look for `prometheus` (default: PATH, /usr/bin, /usr/local/bin). */
  prometheusDirs?: string[];
}

export interface DemoResult {
  /** The good release succeeded and the bad one was rolled back in one commit, everywhere back on the good version. */
  ok: boolean;
  /** What was not as it should be, when `ok` is false. */
  problems: string[];
  metrics: 'prometheus' | 'simulated';
  wallMs: number;
  good: RolloutView;
  bad: RolloutView;
  /** The fleet repo's history, newest first. */
  log: FleetCommit[];
  /** Each cluster's version in Git at the end. */
  versions: Record<string, string>;
  /** The failing analysis' explanation (text/plain), or null when nothing failed. */
  explanation: string | null;
  /** The temp dir and the servers the demo used: all gone once `runDemo` returns. */
  dir: string;
  urls: { wavegate: string; prometheus: string | null };
}

/**
 * A healthy release at 0.5% errors cannot be shown "below 1.5× the baseline" from a few thousand
 * requests, so each good wave passes when its analysis ends with enough events and no evidence of a
 * regression: maxDuration sets the pace of the good rollout (3 waves × ~25 s), while the bad release
 * fails on its first tick.
 */
const DEFAULT_TIMINGS: DemoTimings = { intervalMs: 2_000, maxDurationMs: 20_000, bakeMs: 2_000 };

/**
 * The whole demo: a fleet repo, six simulated clusters synced from it, synthetic traffic, metrics
 * (a real Prometheus when installed), wavegate in process, then a good release promoted wave by wave
 * and a bad one rolled back — all through wavegate's HTTP API. Cleans up everything it started
 * whatever happens.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const say = new Narrator(options.write ?? ((line) => process.stdout.write(`${line}\n`)));
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const signal = options.signal;
  const cleanup = new Cleanup();
  const dir = await mkdtemp(join(tmpdir(), 'wavegate-demo-'));
  let prometheus: DemoPrometheus | null = null;
  // If the process exits without reaching `finally` (process.exit elsewhere), still leave nothing behind.
  const onExit = () => {
    prometheus?.killNow();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  cleanup.add('temp dir', () => rm(dir, { recursive: true, force: true }));
  cleanup.add('exit hook', () => void process.off('exit', onExit));
  try {
    say.say('demo', `wavegate demo: ${DEMO_CLUSTERS.length} clusters, 3 waves; payments ${VERSIONS.running} → ${VERSIONS.good} (good), then → ${VERSIONS.bad} (bad)`);

    const repo = await createFleetRepo(join(dir, 'fleet'), VERSIONS.running);
    say.say('git', `fleet repo ${repo.bareDir} (bare): ${valuesPath('<cluster>')} at ${VERSIONS.running} for ${DEMO_CLUSTERS.length} clusters`);

    const deployments = new Map<string, SimulatedDeployment>(DEMO_CLUSTERS.map((c) => [c.name, new SimulatedDeployment({ cluster: c.name, namespace: APP, kind: 'Deployment', name: APP })]));
    let announce = false;
    const sync = new GitSync({
      bareDir: repo.bareDir,
      branch: BRANCH,
      deployments,
      pathOf: valuesPath,
      now: Date.now,
      pollMs: 500,
      onSync: (e) => announce && say.say('argo', `${e.cluster} syncs ${e.revision.slice(0, 7)}: ${e.image.split('/').at(-1)}`),
      onError: (err) => say.say('argo', `! sync failed: ${err.message}`),
    });
    await sync.start();
    announce = true;
    cleanup.add('git sync', () => sync.stop());
    const stopMonitor = monitorConvergence(deployments, Date.now, (e) =>
      say.say('kube', `${e.cluster} rolled out ${APP} ${e.version}: ${e.available}/${e.replicas} replicas available (${(e.tookMs / 1000).toFixed(1)}s)`),
    );
    cleanup.add('convergence monitor', stopMonitor);
    say.say('kube', `${DEMO_CLUSTERS.length} simulated clusters run what Git says (Argo CD-like sync every 500 ms)`);

    const seed = options.seed ?? 42;
    const rps = options.requestsPerSecond ?? 200;
    const workload = new SyntheticWorkload({
      service: APP,
      clusters: DEMO_CLUSTERS.map((c) => c.name),
      requestsPerSecond: rps,
      serving: (cluster, now) => deployments.get(cluster)!.serving(now),
      profile: demoProfile,
      random: mulberry32(seed),
      now: Date.now,
    });
    workload.start();
    cleanup.add('workload', () => workload.stop());
    say.say('workload', `${rps} req/s per cluster (seed ${seed}): ${VERSIONS.running} and ${VERSIONS.good} fail 0.5%, ${VERSIONS.bad} fails 5% and is twice as slow`);

    const binary = options.metrics === 'simulated' ? null : findPrometheus(options.prometheusDirs);
    if (options.metrics === 'prometheus' && !binary) throw new Error('prometheus not found, and --metrics=prometheus asks for it');
    let metrics: DemoResult['metrics'];
    if (binary) {
      const server = await serveMetrics(workload.registry);
      cleanup.add('metrics endpoint', () => server.close());
      say.say('metrics', `starting ${binary} (scrapes ${server.target}/metrics every 1s; the first scrape takes ~5 s)`);
      prometheus = await startPrometheus(binary, join(dir, 'prometheus'), server.target);
      const running = prometheus;
      cleanup.add('prometheus', () => running.stop());
      say.say('metrics', `prometheus ready at ${prometheus.url}, target up`);
      metrics = 'prometheus';
    } else {
      say.say('metrics', options.metrics === 'simulated' ? 'using simulated metrics (asked for)' : 'prometheus not found: using simulated metrics');
      metrics = 'simulated';
    }
    signal?.throwIfAborted();

    const { app, url } = await startWavegate({ dir, repo, prometheusUrl: prometheus?.url, deployments, metrics, history: workload.history, say });
    cleanup.add('wavegate', () => app.close());
    say.say('wavegate', `listening on ${url} (interval ${timings.intervalMs / 1000}s, bake ${timings.bakeMs / 1000}s, maxDuration ${timings.maxDurationMs / 1000}s)`);

    const client = new WavegateClient(url);
    const follow = { pollMs: 100, timeoutMs: options.rolloutTimeoutMs ?? 240_000, subjectOf: (sha: string) => git(['log', '-1', '--format=%s', sha], { cwd: repo.bareDir }).then((s) => s.trim()), stopWhenPaused: true, ...(signal ? { signal } : {}) };
    const release = async (version: string) => {
      const submitted = await client.submit(paymentsPlan(version, timings), 'release-owner@example.com');
      say.say('api', `POST /api/v1/rollouts (YAML plan payments ${version}) → 201, rollout ${submitted.id}`);
      return followRollout(client, submitted.id, say, follow);
    };
    const good = await release(VERSIONS.good);
    const bad = await release(VERSIONS.bad);

    const log = await fleetLog(repo.bareDir, BRANCH);
    say.block(`git log of the fleet repo (${log.length} commits, newest first):`, await git(['log', '--format=%h %s%n%w(0,8,8)%(trailers:only,unfold)', BRANCH], { cwd: repo.bareDir }));
    const failed = bad.analyses.find((a) => a.verdict === 'fail') ?? good.analyses.find((a) => a.verdict !== 'pass');
    const explanation = failed ? await client.explanation(failed.analysisId) : null;
    if (explanation && failed) say.block(`Why ${bad.app} ${bad.version} was rolled back (GET ${failed.explanationUrl}, text/plain):`, explanation);

    const versions = await fleetVersions(repo.bareDir, BRANCH, DEMO_CLUSTERS.map((c) => c.name));
    const problems = check(good, bad, versions, deployments);
    const wallMs = say.elapsedMs();
    say.say('demo', problems.length === 0
      ? `done in ${(wallMs / 1000).toFixed(1)} s (${metrics} metrics): ${VERSIONS.good} promoted in ${good.commits.length} commits, ${VERSIONS.bad} rolled back in 1 commit`
      : `FAILED after ${(wallMs / 1000).toFixed(1)} s: ${problems.join('; ')}`);
    return { ok: problems.length === 0, problems, metrics, wallMs, good, bad, log, versions, explanation, dir, urls: { wavegate: url, prometheus: prometheus?.url ?? null } };
  } finally {
    const failed = await cleanup.run();
    if (failed.length > 0) say.say('demo', `! cleanup problems: ${failed.join('; ')}`);
  }
}

/** What must be true at the end: the demo's promise, checked rather than assumed. */
function check(good: RolloutView, bad: RolloutView, versions: Record<string, string>, deployments: ReadonlyMap<string, SimulatedDeployment>): string[] {
  const problems: string[] = [];
  if (good.status !== 'succeeded') problems.push(`payments ${good.version} ended ${good.status}${good.pausedReason ? ` (${good.pausedReason})` : ''}, not succeeded`);
  if (bad.status !== 'rolledBack') problems.push(`payments ${bad.version} ended ${bad.status}${bad.pausedReason ? ` (${bad.pausedReason})` : ''}, not rolledBack`);
  const rollbacks = bad.commits.filter((c) => c.action === 'rollback');
  if (rollbacks.length !== 1) problems.push(`payments ${bad.version} has ${rollbacks.length} rollback commits, not 1`);
  const wrong = Object.entries(versions).filter(([, v]) => v !== good.version);
  if (wrong.length > 0) problems.push(`Git names ${wrong.map(([c, v]) => `${v} in ${c}`).join(', ')}, not ${good.version}`);
  const now = Date.now();
  const serving = [...deployments].filter(([, d]) => d.serving(now).some((s) => s.version !== good.version)).map(([c]) => c);
  if (serving.length > 0) problems.push(`${serving.join(', ')} still serve something other than ${good.version}`);
  return problems;
}
