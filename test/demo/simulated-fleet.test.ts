import { describe, expect, it } from 'vitest';
import { workloadConverged } from '../../src/core/rollout/cluster-client.js';
import { mulberry32 } from '../../src/core/stats/random.js';
import { simulatedClusterClients } from '../../src/demo/cluster-clients.js';
import { SimulatedDeployment } from '../../src/demo/simulated-cluster.js';
import { demoProfile, SyntheticWorkload } from '../../src/demo/workload.js';
import { evaluate } from '../../src/demo/promql-lite.js';
import { KubeClusterUnknownError } from '../../src/errors/kube-errors.js';

const ref = { cluster: 'eu-west-1a', namespace: 'payments', kind: 'Deployment' as const, name: 'payments' };
const image = (tag: string) => `registry.example.com/payments:${tag}`;
const T0 = 1_700_000_000_000;

describe('a simulated Deployment', () => {
  it('runs what Git said first at once, then rolls a new version out replica by replica in about two seconds', () => {
    const d = new SimulatedDeployment(ref);
    expect(d.observe(T0)).toBeNull();
    d.apply({ image: image('1.4.1'), replicas: 4 }, T0);
    expect(workloadConverged(d.observe(T0)!, '1.4.1').converged).toBe(true);

    expect(d.apply({ image: image('1.4.2'), replicas: 4 }, T0)).toBe(true);
    expect(d.apply({ image: image('1.4.2'), replicas: 4 }, T0 + 10)).toBe(false); // same spec: no new generation
    expect(workloadConverged(d.observe(T0 + 100)!, '1.4.2').reason).toMatch(/observe generation 2/);
    const mid = d.observe(T0 + 1_000)!;
    expect(mid.updatedReplicas).toBeGreaterThan(0);
    expect(mid.updatedReplicas).toBeLessThan(4);
    expect(mid.availableReplicas).toBe(4); // maxUnavailable 0
    expect(workloadConverged(mid, '1.4.2').converged).toBe(false);
    const shares = d.serving(T0 + 1_000);
    expect(shares.map((s) => s.version)).toEqual(['1.4.1', '1.4.2']);
    expect(shares.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 12);

    const done = d.observe(T0 + 2_500)!;
    expect(workloadConverged(done, '1.4.2')).toMatchObject({ converged: true });
    expect(done.resourceVersion).not.toBe(mid.resourceVersion);
    expect(d.serving(T0 + 2_500)).toEqual([{ version: '1.4.2', share: 1 }]);
  });

  it('goes straight back when Git reverts before most pods changed', () => {
    const d = new SimulatedDeployment(ref);
    d.apply({ image: image('1.4.2'), replicas: 4 }, T0);
    d.apply({ image: image('1.5.0'), replicas: 4 }, T0);
    d.apply({ image: image('1.4.2'), replicas: 4 }, T0 + 600); // one 1.5.0 pod up at most
    expect(workloadConverged(d.observe(T0 + 900)!, '1.4.2').converged).toBe(true);
    expect(d.serving(T0 + 900)).toEqual([{ version: '1.4.2', share: 1 }]);
  });
});

describe('the simulated cluster clients', () => {
  const deployments = new Map([['eu-west-1a', new SimulatedDeployment(ref)]]);
  deployments.get('eu-west-1a')!.apply({ image: image('1.4.1'), replicas: 4 }, T0);
  const client = simulatedClusterClients(deployments, () => T0 + 1)([])('eu-west-1a');

  it('reads the status with the convergence judgement, like the Kubernetes adapter', async () => {
    await expect(client.workloadStatus(ref)).resolves.toMatchObject({ converged: true, images: [image('1.4.1')], replicas: 4 });
  });

  it('answers null for a workload that is not there and throws KUBE_CLUSTER_UNKNOWN for an unknown cluster', async () => {
    await expect(client.workloadStatus({ ...ref, name: 'checkout' })).resolves.toBeNull();
    await expect(client.workloadStatus({ ...ref, cluster: 'mars-1a' })).rejects.toBeInstanceOf(KubeClusterUnknownError);
  });

  it('watches until aborted, delivering the current status first', async () => {
    const seen: unknown[] = [];
    const controller = new AbortController();
    const watching = client.watchWorkload(ref, (s) => {
      seen.push(s);
      controller.abort();
    }, controller.signal);
    await watching;
    expect(seen).toHaveLength(1);
  });
});

describe('the synthetic workload', () => {
  const run = (seed: number, version: string) => {
    let now = T0;
    const w = new SyntheticWorkload({
      service: 'payments',
      clusters: ['a'],
      requestsPerSecond: 200,
      serving: () => [{ version, share: 1 }],
      profile: demoProfile,
      random: mulberry32(seed),
      now: () => now,
    });
    for (let i = 0; i < 600; i++) w.tick((now += 100));
    const total = evaluate('sum(increase(http_requests_total{cluster="a"}[1h]))', now, w.history)[0]!.value;
    const bad = evaluate('sum(increase(http_requests_total{cluster="a", code=~"5.."}[1h]))', now, w.history)[0]?.value ?? 0;
    const slow = evaluate('sum by (le) (increase(http_request_duration_seconds_bucket{cluster="a"}[1h]))', now, w.history);
    return { total, bad, slow, w };
  };

  it('is deterministic for a seed, at ~200 req/s, with the error rate of the version it serves', async () => {
    const a = run(7, '1.4.2');
    const b = run(7, '1.4.2');
    expect(a.total).toBe(b.total);
    expect(a.bad).toBe(b.bad);
    expect(a.total).toBeGreaterThan(11_400); // 60 s × 200/s, ± 5σ
    expect(a.total).toBeLessThan(12_600);
    expect(a.bad / a.total).toBeGreaterThan(0.002);
    expect(a.bad / a.total).toBeLessThan(0.009);
    const bad = run(7, '1.5.0');
    expect(bad.bad / bad.total).toBeGreaterThan(0.04);
    const share = (r: typeof a, le: string) => r.slow.find((s) => s.labels.le === le)!.value / r.total;
    expect(share(bad, '0.1')).toBeLessThan(share(a, '0.1')); // slower
  });

  it('exports the same counts to Prometheus as it keeps in memory', async () => {
    const { w, total } = run(3, '1.4.2');
    const text = await w.registry.metrics();
    const exported = [...text.matchAll(/^http_requests_total\{[^}]*cluster="a"[^}]*\} (\d+)$/gm)].reduce((s, m) => s + Number(m[1]), 0);
    expect(exported).toBe(total);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="\+Inf",service="payments",cluster="a"\} \d+/);
  });
});
