import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createTestRemote, valuesFile, type TestRemote } from '../harness/git.js';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube-api-server.js';
import { canaryScenario, renderOpenMetrics, type MetricSeries } from '../harness/openmetrics.js';

/**
 * The world a crash run acts on, owned by the test process so that it outlives every incarnation of
 * wavegate: a bare Git remote holding the fleet repository, the test Kubernetes API server with six
 * clusters, and a tiny "Argo CD" that makes each cluster run what its file in Git names. Prometheus
 * (with the history below) and Redis are shared by all runs of a file.
 */
export const MIN = 60_000;
/** Where the backfilled history starts; runs start their simulated clock a little later. */
export const HISTORY_START = Date.UTC(2026, 10, 21, 10, 0, 0);
export const HISTORY_MS = 8 * 60 * MIN;
export const CLUSTERS = ['eu-west-1a', 'eu-west-1b', 'us-east-1a', 'us-east-1b', 'ap-south-1a', 'ap-south-1b'];
const REGION: Record<string, string> = { 'eu-west-1a': 'eu-west', 'eu-west-1b': 'eu-west', 'us-east-1a': 'us-east', 'us-east-1b': 'us-east', 'ap-south-1a': 'ap-south', 'ap-south-1b': 'ap-south' };
const cloud = (c: string) => (c.startsWith('ap-') ? 'gcp' : 'aws');
/** payments is healthy everywhere (a good release passes); orders fails 2.4× more in eu-west (a bad one is caught in the canary). */
export const APPS = ['payments', 'orders'] as const;
export type AppName = (typeof APPS)[number];
export const INITIAL_VERSION = '1.4.1';

export const filePath = (app: string, cluster: string) => `clusters/${cluster}/apps/${app}/values.yaml`;

/** Per-cluster request history for both apps, as OpenMetrics for promtool. */
export function history(): string {
  const series: MetricSeries[] = [];
  for (const service of APPS) {
    for (const cluster of CLUSTERS) {
      const errorRate = service === 'orders' && REGION[cluster] === 'eu-west' ? 0.012 : 0.005;
      const s = canaryScenario({ service, start: HISTORY_START, durationMs: HISTORY_MS, intervalMs: 15_000, canary: [{ fromMs: 0, rps: 20, errorRate }] });
      series.push(...s.series.map((x) => ({ ...x, labels: { ...x.labels, cluster } })));
    }
  }
  return renderOpenMetrics(series);
}

/**
 * The plan of the e2e test: a canary region, then a cloud, then the rest; one analysed step per wave.
 * Its deadlines are roomy because a restart costs minutes of the fast clock: a cluster that is still
 * converging while no process is alive must not count as stuck.
 */
export function plan(app: AppName, version: string) {
  const step = { name: 'judge', bake: '1m', analysis: { templates: ['http-success-rate'], args: { service: app }, interval: '1m', maxDuration: '5m' } };
  return {
    apiVersion: 'wavegate.dev/v1alpha1',
    kind: 'RolloutPlan',
    spec: {
      app,
      version,
      git: { repo: 'fleet', branch: 'main', path: `clusters/{cluster}/apps/${app}/values.yaml`, field: 'image.tag' },
      workload: { namespace: app, kind: 'Deployment', name: app },
      waves: [
        { name: 'eu-canary', selector: { matchLabels: { region: 'eu-west' } }, maxParallel: 1, steps: [step] },
        { name: 'aws', selector: { matchLabels: { cloud: 'aws' } }, maxParallel: '50%', steps: [step] },
        { name: 'rest', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, maxParallel: 2, steps: [step] },
      ],
      policies: { convergenceTimeout: '60m', maxStepTime: '120m' },
    },
  };
}

export interface CrashWorld {
  remote: TestRemote;
  kube: KubeApiServer;
  /** FLEET_FILE, GIT_REPOS_FILE and KUBECONFIG for the child's environment. */
  env: Record<string, string>;
  /** Each cluster's version of `app` as its file in Git names it. */
  versionsInGit(app: AppName): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function createWorld(): Promise<CrashWorld> {
  const files: Record<string, string> = {};
  for (const c of CLUSTERS) for (const app of APPS) files[filePath(app, c)] = valuesFile(c, INITIAL_VERSION);
  const [remote, kube] = await Promise.all([createTestRemote({ files }), startKubeApiServer({ clusters: CLUSTERS })]);
  for (const c of CLUSTERS) for (const app of APPS) kube.cluster(c).createDeployment({ namespace: app, name: app, image: `ghcr.io/acme/${app}:${INITIAL_VERSION}`, replicas: 3 });
  for (const c of CLUSTERS) kube.cluster(c).startController(20);
  const dir = await remote.workDir();
  const env = { FLEET_FILE: join(dir, 'fleet.yaml'), GIT_REPOS_FILE: join(dir, 'repos.yaml'), KUBECONFIG: join(dir, 'kubeconfig.yaml') };
  await writeFile(env.FLEET_FILE, JSON.stringify({ clusters: CLUSTERS.map((c) => ({ name: c, labels: { region: REGION[c], cloud: cloud(c), env: 'prod' } })) }));
  await writeFile(env.GIT_REPOS_FILE, JSON.stringify({ repos: { fleet: { url: remote.url, author: { name: 'wavegate', email: 'wavegate@example.com' } } } }));
  await writeFile(env.KUBECONFIG, kube.kubeconfig());
  const versionsInGit = async (app: AppName, rev?: string) => {
    const out: Record<string, string> = {};
    for (const c of CLUSTERS) {
      const text = await remote.readFile(filePath(app, c), rev);
      out[c] = text ? String((parse(text) as { image: { tag: string } }).image.tag) : '';
    }
    return out;
  };
  const stopArgo = applyGitToClusters(remote, kube, versionsInGit);
  return {
    remote,
    kube,
    env,
    versionsInGit: (app) => versionsInGit(app),
    async close() {
      await stopArgo();
      for (const c of CLUSTERS) kube.cluster(c).stopController();
      await Promise.all([kube.close(), remote.cleanup()]);
    },
  };
}

/**
 * What Argo CD would do: whenever the branch moves, make every cluster run the tags Git names. It
 * watches the bare repository's ref file (no process per look), reading files only on a change.
 */
function applyGitToClusters(remote: TestRemote, kube: KubeApiServer, versionsInGit: (app: AppName, rev: string) => Promise<Record<string, string>>): () => Promise<void> {
  let stopped = false;
  let applied = '';
  const headNow = () => readFile(join(remote.bare, 'refs', 'heads', remote.branch), 'utf8').then((s) => s.trim(), () => remote.head());
  const loop = (async () => {
    while (!stopped) {
      const head = await headNow();
      if (head !== applied) {
        for (const app of APPS) {
          for (const [c, tag] of Object.entries(await versionsInGit(app, head))) {
            const key = { kind: 'Deployment' as const, namespace: app, name: app };
            const image = `ghcr.io/acme/${app}:${tag}`;
            const spec = kube.cluster(c).get(key)?.spec as { template?: { spec?: { containers?: Array<{ image: string }> } } } | undefined;
            if (tag && !spec?.template?.spec?.containers?.some((x) => x.image === image)) kube.cluster(c).setImage(key, image);
          }
        }
        applied = head;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
