import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Rollout } from '../../src/core/rollout/rollout.js';
import { createPrometheusClient } from '../../src/adapters/prometheus/index.js';
import { newRollout } from '../../src/core/rollout/new-rollout.js';
import { createBudgetGate } from '../../src/rollout/budget-gate.js';
import { loadTemplates, renderMetrics } from '../../src/templates/index.js';
import { fleet as fixtureFleet, plan as fixturePlan } from '../fixtures/rollout.js';
import { buildTestApp } from '../harness/app.js';
import { manualClock } from '../harness/clock.js';
import { rolloutPlan as plan, runToEnd } from '../fixtures/rollout-e2e.js';
import { createTestRemote, valuesFile, type TestRemote } from '../harness/git.js';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube-api-server.js';
import { canaryScenario, renderOpenMetrics, type MetricSeries } from '../harness/openmetrics.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';

/**
 * A whole rollout over real parts: a bare Git repository as the fleet repo, a test Kubernetes API
 * server with six clusters (a tiny "Argo CD" loop applies what Git says), and a real Prometheus with
 * per-cluster history. The clock is manual, so an hour of analysis runs in seconds; convergence runs
 * in real time against the simulated controllers.
 */
const MIN = 60_000;
const START = Date.UTC(2026, 10, 21, 10, 0, 0);
const CLUSTERS = ['eu-west-1a', 'eu-west-1b', 'us-east-1a', 'us-east-1b', 'ap-south-1a', 'ap-south-1b'];
const REGION: Record<string, string> = { 'eu-west-1a': 'eu-west', 'eu-west-1b': 'eu-west', 'us-east-1a': 'us-east', 'us-east-1b': 'us-east', 'ap-south-1a': 'ap-south', 'ap-south-1b': 'ap-south' };
const CLOUD = (c: string) => (c.startsWith('ap-') ? 'gcp' : 'aws');
const path = (app: string, c: string) => `clusters/${c}/apps/${app}/values.yaml`;

let remote: TestRemote;
let kube: KubeApiServer;
let prometheus: RunningPrometheus;
let dir: string;
let stopArgo: () => void;

/** payments is healthy everywhere; orders is 8× worse in eu-west (as if its new version were deployed there). */
function history(): string {
  const series: MetricSeries[] = [];
  for (const service of ['payments', 'orders']) {
    for (const cluster of CLUSTERS) {
      const errorRate = service === 'orders' && REGION[cluster] === 'eu-west' ? 0.04 : 0.005;
      const s = canaryScenario({ service, start: START, durationMs: 120 * MIN, intervalMs: 15_000, canary: [{ fromMs: 0, rps: 20, errorRate }] });
      series.push(...s.series.map((x) => ({ ...x, labels: { ...x.labels, cluster } })));
    }
  }
  return renderOpenMetrics(series);
}

beforeAll(async () => {
  const files: Record<string, string> = {};
  for (const c of CLUSTERS) for (const app of ['payments', 'orders']) files[path(app, c)] = valuesFile(c, '1.4.1');
  [remote, kube, prometheus] = await Promise.all([createTestRemote({ files }), startKubeApiServer({ clusters: CLUSTERS }), startPrometheus({ openmetrics: history() })]);
  for (const c of CLUSTERS) for (const app of ['payments', 'orders']) kube.cluster(c).createDeployment({ namespace: app, name: app, image: `ghcr.io/acme/${app}:1.4.1`, replicas: 3 });
  for (const c of CLUSTERS) kube.cluster(c).startController(20);
  stopArgo = applyGitToClusters();
  dir = await mkdtemp(join(tmpdir(), 'wavegate-e2e-rollout-'));
  await writeFile(join(dir, 'fleet.yaml'), JSON.stringify({ clusters: CLUSTERS.map((c) => ({ name: c, labels: { region: REGION[c], cloud: CLOUD(c), env: 'prod' } })) }));
  await writeFile(join(dir, 'repos.yaml'), JSON.stringify({ repos: { fleet: { url: remote.url, author: { name: 'wavegate', email: 'wavegate@example.com' } } } }));
  await writeFile(join(dir, 'kubeconfig.yaml'), kube.kubeconfig());
}, 90_000);

afterAll(async () => {
  stopArgo?.();
  for (const c of CLUSTERS) kube?.cluster(c).stopController();
  await Promise.all([kube?.close(), prometheus?.stop(), remote?.cleanup()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What Argo CD or Flux would do: make each cluster run the tag its file in Git names. */
function applyGitToClusters(): () => void {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      for (const c of CLUSTERS) {
        for (const app of ['payments', 'orders']) {
          const text = await remote.readFile(path(app, c)).catch(() => null);
          const tag = text ? String((parse(text) as { image: { tag: string } }).image.tag) : null;
          const key = { kind: 'Deployment' as const, namespace: app, name: app };
          const image = `ghcr.io/acme/${app}:${tag}`;
          const spec = kube.cluster(c).get(key)?.spec as { template?: { spec?: { containers?: Array<{ image: string }> } } } | undefined;
          if (tag && !spec?.template?.spec?.containers?.some((x) => x.image === image)) kube.cluster(c).setImage(key, image);
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}


async function submit(app: App, body: unknown) {
  return app.api.inject({ method: 'POST', url: '/api/v1/rollouts', payload: body as object, headers: { 'x-wavegate-user': 'alice' } });
}

describe('the error-budget gate before a wave', () => {
  it('stays closed while the fleet burns its budget fast, naming the row, and opens when it does not', async () => {
    const { templates } = await loadTemplates('analysis-templates');
    const gate = createBudgetGate({
      source: createPrometheusClient({ baseUrl: prometheus.url, timeoutMs: 5000 }),
      renderSpecs: (r) => renderMetrics(templates, { templates: r.templates, args: r.args, scopes: r.scopes, intervalMs: r.intervalMs }),
      now: () => START + 90 * MIN,
    });
    const rollout = (service: string) =>
      newRollout({ id: 'g', plan: { ...fixturePlan(), policies: { ...fixturePlan().policies, budgetGate: { templates: ['error-budget-burn'], args: { service, objective: '99.9' } } } }, fleet: fixtureFleet(), now: 0 });
    const burning = await gate(rollout('orders'), 0);
    expect(burning.open).toBe(false);
    expect(burning.reason).toMatch(/row 14.4× over 1h and 5m fires/);
    const calm = await gate({ ...rollout('payments'), plan: { ...rollout('payments').plan, policies: { ...rollout('payments').plan.policies, budgetGate: { templates: ['error-budget-burn'], args: { service: 'payments', objective: '99' } } } } }, 0);
    expect(calm).toMatchObject({ open: true });
    expect(calm.reason).toMatch(/4 rows quiet/);
    const nothing = await gate(rollout('no-such-service'), 0);
    expect(nothing.open).toBe(false);
    expect(nothing.reason).toMatch(/no data|no series/);
  });
});

describe('a rollout across six clusters, promoted and rolled back by Git commits', () => {
  it('promotes a healthy release wave by wave, one readable commit per batch', async () => {
    const clock = manualClock(START + 5 * MIN);
    const app = await buildTestApp({ PROMETHEUS_URL: prometheus.url, FLEET_FILE: join(dir, 'fleet.yaml'), GIT_REPOS_FILE: join(dir, 'repos.yaml'), KUBECONFIG: join(dir, 'kubeconfig.yaml'), GIT_WORK_DIR: await remote.workDir() }, { now: clock.now });
    try {
      const res = await submit(app, plan('payments', '1.4.2'));
      expect(res.statusCode).toBe(201);
      const r = await runToEnd(app, clock, res.json().id);
      expect(r.status).toBe('succeeded');
      expect(r.analyses.map((a) => a.verdict)).toEqual(['pass', 'pass', 'pass']);
      for (const c of CLUSTERS) expect(await remote.readFile(path('payments', c))).toContain('tag: "1.4.2"');
      expect(await remote.readFile(path('payments', 'eu-west-1a'))).toBe(valuesFile('eu-west-1a', '1.4.1').replace('tag: "1.4.1"', 'tag: "1.4.2"'));
      const log = (await remote.log(10)).filter((c) => c.subject.startsWith('wavegate:'));
      expect(log.map((c) => c.subject).reverse()).toEqual([
        'wavegate: promote payments 1.4.2 to wave eu-canary (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave eu-canary (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave aws (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave aws (1 cluster)',
        'wavegate: promote payments 1.4.2 to wave rest (2 clusters)',
      ]);
      expect(Object.fromEntries(log[0]!.trailers)).toMatchObject({ 'Wavegate-Rollout': r.id, 'Wavegate-Wave': 'rest', 'Wavegate-Action': 'promote', 'Wavegate-Verdict': 'pass' });
      const view = (await app.api.inject({ url: `/api/v1/rollouts/${r.id}` })).json();
      expect(view.waves.map((w: { state: string }) => w.state)).toEqual(['passed', 'passed', 'passed']);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('rolls back a regressing release in one commit restoring every touched cluster', async () => {
    const clock = manualClock(START + 5 * MIN);
    const app = await buildTestApp({ PROMETHEUS_URL: prometheus.url, FLEET_FILE: join(dir, 'fleet.yaml'), GIT_REPOS_FILE: join(dir, 'repos.yaml'), KUBECONFIG: join(dir, 'kubeconfig.yaml'), GIT_WORK_DIR: await remote.workDir() }, { now: clock.now });
    try {
      const res = await submit(app, plan('orders', '2.0.0'));
      const r = await runToEnd(app, clock, res.json().id);
      expect(r.status).toBe('rolledBack');
      expect(r.analyses[0]!.verdict).toBe('fail');
      const ours = (await remote.log(20)).filter((c) => c.trailers.some(([k, v]) => k === 'Wavegate-Rollout' && v === r.id));
      expect(ours.map((c) => c.subject)).toEqual([
        'wavegate: roll back orders 2.0.0 in 2 clusters (wave eu-canary)',
        'wavegate: promote orders 2.0.0 to wave eu-canary (1 cluster)',
        'wavegate: promote orders 2.0.0 to wave eu-canary (1 cluster)',
      ]);
      expect(ours[0]!.message).toMatch(/Why: wave eu-canary, step judge failed/);
      for (const c of CLUSTERS) expect(await remote.readFile(path('orders', c))).toContain('tag: "1.4.1"');
      // A second rollout of the same app may start now that this one has finished.
      expect((await submit(app, plan('orders', '2.0.1'))).statusCode).toBe(201);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('refuses a bad plan with a 400 naming the field, and a second rollout of a busy app with 409', async () => {
    const app = await buildTestApp({ PROMETHEUS_URL: prometheus.url, FLEET_FILE: join(dir, 'fleet.yaml'), GIT_REPOS_FILE: join(dir, 'repos.yaml'), KUBECONFIG: join(dir, 'kubeconfig.yaml'), GIT_WORK_DIR: await remote.workDir() });
    try {
      const bad = plan('payments', '9.9.9');
      bad.spec.waves[0]!.selector = { matchLabels: { zone: 'nowhere' } } as never;
      const res = await submit(app, bad);
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe('waves[0].selector');
      const missingTemplate = plan('payments', '9.9.9');
      missingTemplate.spec.waves[1]!.steps[0]!.analysis.templates = ['nope'];
      expect((await submit(app, missingTemplate)).json().field).toBe('waves[1].steps[0].analysis');
      const yaml = await app.api.inject({ method: 'POST', url: '/api/v1/rollouts', payload: 'spec: [unclosed', headers: { 'content-type': 'application/yaml' } });
      expect(yaml.statusCode).toBe(400);
      expect((await submit(app, plan('checkout', '1.0.0'))).statusCode).toBe(201);
      const busy = await submit(app, plan('checkout', '1.0.1'));
      expect(busy.statusCode).toBe(409);
      expect(busy.json().code).toBe('ROLLOUT_APP_BUSY');
      const list = (await app.api.inject({ url: '/api/v1/rollouts?app=checkout' })).json();
      expect(list.items).toHaveLength(1);
      const paused = await app.api.inject({ method: 'POST', url: `/api/v1/rollouts/${list.items[0].id}/pause`, payload: { by: 'bob', why: 'freeze' } });
      expect(paused.json().status).toBe('paused');
      const refused = await app.api.inject({ method: 'POST', url: `/api/v1/rollouts/${list.items[0].id}/approve`, payload: { by: 'bob', why: 'ok' } });
      expect(refused.statusCode).toBe(409);
      expect((await app.api.inject({ method: 'POST', url: `/api/v1/rollouts/${list.items[0].id}/abort`, payload: { by: 'bob' } })).json().field).toBe('why');
    } finally {
      await app.close();
    }
  }, 60_000);
});
