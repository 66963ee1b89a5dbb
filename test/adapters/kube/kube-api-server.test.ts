import { ApiException, PatchStrategy, setHeaderOptions, Watch, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube-api-server.js';
import { deploymentRef, eventually, rawApis, rolloutRef } from './helpers.js';

/** The test API server, exercised through the real @kubernetes/client-node over HTTP. */

const TOKEN = 'us-token-4f1c2b9e';
let server: KubeApiServer;
let api: ReturnType<typeof rawApis>;
const api_ = deploymentRef('eu-1');
const web = rolloutRef('eu-1');

beforeAll(async () => {
  server = await startKubeApiServer({ clusters: ['eu-1', { name: 'us-1', token: TOKEN }, { name: 'bare', servesRollouts: false }], bookmarkIntervalMs: 50, eventWindow: 50 });
  api = rawApis(server, 'eu-1');
});
afterAll(() => server.close());

beforeEach(() => {
  const eu = server.cluster('eu-1');
  for (const key of [api_, web]) if (eu.get(key)) eu.delete(key);
  eu.clearFaults();
  eu.allowAll();
  eu.createDeployment({ namespace: 'payments', name: 'api', image: 'registry.example/api:1.0.0', sidecars: [{ name: 'envoy', image: 'envoy:v1.30' }] });
  eu.createRollout({ namespace: 'payments', name: 'web', image: 'registry.example/web:1.0.0' });
});

const statusOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiException);
  const e = error as ApiException<string>;
  return { code: e.code, body: JSON.parse(e.body) as { kind: string; reason: string; message: string; details?: { name?: string } } };
};

describe('reads', () => {
  it('serves a Deployment with its generation, resourceVersion and the status the controller wrote', async () => {
    const d = await api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'api' });
    expect(d.metadata?.generation).toBe(1);
    expect(Number(d.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(d.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['registry.example/api:1.0.0', 'envoy:v1.30']);
  });

  it('serves an Argo Rollout with a string observedGeneration, phase and stableRS', async () => {
    const r = (await api.custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'payments', plural: 'rollouts', name: 'web' })) as {
      status: Record<string, unknown>;
    };
    expect(r.status).toMatchObject({ observedGeneration: '1', phase: 'Healthy', updatedReplicas: 3 });
    expect(r.status.stableRS).toBe(r.status.currentPodHash);
  });

  it('answers 404 with a NotFound Status naming the missing object', async () => {
    const { code, body } = await statusOf(api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'ghost' }));
    expect(code).toBe(404);
    expect(body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'deployments.apps "ghost" not found', details: { name: 'ghost' } });
  });

  it('lists with the cluster resourceVersion and filters by field selector', async () => {
    server.cluster('eu-1').createDeployment({ namespace: 'payments', name: 'worker', image: 'w:1' });
    const all = await api.apps.listNamespacedDeployment({ namespace: 'payments' });
    expect(all.items.map((d) => d.metadata?.name)).toEqual(['api', 'worker']);
    expect(all.metadata?.resourceVersion).toBe(server.cluster('eu-1').resourceVersion());
    const one = await api.apps.listNamespacedDeployment({ namespace: 'payments', fieldSelector: 'metadata.name=worker' });
    expect(one.items.map((d) => d.metadata?.name)).toEqual(['worker']);
    server.cluster('eu-1').delete(deploymentRef('eu-1', 'worker'));
  });

  it('keeps clusters apart: their own objects and their own resourceVersions', async () => {
    server.cluster('us-1').createDeployment({ namespace: 'payments', name: 'only-us', image: 'x:1' });
    const { code } = await statusOf(api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'only-us' }));
    expect(code).toBe(404);
    expect(server.cluster('us-1').resourceVersion()).not.toBe(server.cluster('eu-1').resourceVersion());
  });

  it('answers 404 for Rollouts in a cluster without the Argo Rollouts CRD, without naming an object', async () => {
    const bare = rawApis(server, 'bare');
    const { code, body } = await statusOf(bare.custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'payments', plural: 'rollouts', name: 'web' }));
    expect(code).toBe(404);
    expect(body.message).toBe('the server could not find the requested resource');
    expect(body.details?.name).toBeUndefined();
  });
});

describe('writes and optimistic concurrency', () => {
  it('refuses a replace carrying a stale resourceVersion with 409 Conflict', async () => {
    const stale = await api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'api' });
    server.cluster('eu-1').setImage(api_, 'registry.example/api:1.1.0');
    const { code, body } = await statusOf(api.apps.replaceNamespacedDeployment({ namespace: 'payments', name: 'api', body: stale }));
    expect(code).toBe(409);
    expect(body.reason).toBe('Conflict');
    expect(body.message).toContain('the object has been modified; please apply your changes to the latest version and try again');
  });

  it('refuses a stale replace of a Rollout (a custom resource) with 409 too', async () => {
    const rollouts = { group: 'argoproj.io', version: 'v1alpha1', namespace: 'payments', plural: 'rollouts', name: 'web' };
    const stale = (await api.custom.getNamespacedCustomObject(rollouts)) as Record<string, unknown>;
    server.cluster('eu-1').setImage(web, 'registry.example/web:1.1.0');
    const { code, body } = await statusOf(api.custom.replaceNamespacedCustomObject({ ...rollouts, body: stale }));
    expect(code).toBe(409);
    expect(body.message).toContain('rollouts.argoproj.io "web"');
  });

  it('accepts a replace from the current resourceVersion, bumping generation only for spec changes', async () => {
    const current = await api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'api' });
    const relabelled: V1Deployment = { ...current, metadata: { ...current.metadata, labels: { app: 'api', team: 'payments' } } };
    const afterLabel = await api.apps.replaceNamespacedDeployment({ namespace: 'payments', name: 'api', body: relabelled });
    expect(afterLabel.metadata?.generation).toBe(1);
    const container = afterLabel.spec?.template.spec?.containers[0];
    if (container) container.image = 'registry.example/api:2.0.0';
    const afterImage = await api.apps.replaceNamespacedDeployment({ namespace: 'payments', name: 'api', body: afterLabel });
    expect(afterImage.metadata?.generation).toBe(2);
    expect(afterImage.status?.observedGeneration).toBe(1); // the main resource never writes status
  });

  it('refuses a merge patch naming a stale resourceVersion with 409', async () => {
    const stale = (await api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'api' })).metadata?.resourceVersion ?? '';
    server.cluster('eu-1').step(api_); // any write moves the resourceVersion on
    server.cluster('eu-1').setImage(api_, 'registry.example/api:1.0.1');
    const patch = { metadata: { resourceVersion: stale }, spec: { replicas: 5 } };
    const { code } = await statusOf(api.apps.patchNamespacedDeployment({ namespace: 'payments', name: 'api', body: patch }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)));
    expect(code).toBe(409);
  });

  it('applies a strategic-merge patch of the image by container name, keeping the sidecar', async () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'api', image: 'registry.example/api:1.2.0' }] } } } };
    const patched = await api.apps.patchNamespacedDeployment({ namespace: 'payments', name: 'api', body: patch }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(patched.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['registry.example/api:1.2.0', 'envoy:v1.30']);
    expect(patched.metadata?.generation).toBe(2);
  });

  it('replaces the whole list on a merge patch, as RFC 7386 says', async () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'api', image: 'registry.example/api:1.2.0' }] } } } };
    const patched = await api.apps.patchNamespacedDeployment({ namespace: 'payments', name: 'api', body: patch }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['api']);
  });

  it('receives patches as JSON Patch unless told otherwise (the 1.4 client default), refusing an object body with 400', async () => {
    const { code } = await statusOf(api.apps.patchNamespacedDeployment({ namespace: 'payments', name: 'api', body: { spec: { replicas: 5 } } }));
    expect(code).toBe(400);
    const ops = [
      { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'api' },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.example/api:1.3.0' },
    ];
    const patched = await api.apps.patchNamespacedDeployment({ namespace: 'payments', name: 'api', body: ops });
    expect(patched.spec?.template.spec?.containers[0]?.image).toBe('registry.example/api:1.3.0');
    const failedTest = [{ op: 'test', path: '/spec/replicas', value: 99 }];
    expect((await statusOf(api.apps.patchNamespacedDeployment({ namespace: 'payments', name: 'api', body: failedTest }))).code).toBe(422);
  });

  it('refuses strategic merge on a Rollout (a custom resource) with 415 and accepts a merge patch', async () => {
    const rollouts = { group: 'argoproj.io', version: 'v1alpha1', namespace: 'payments', plural: 'rollouts', name: 'web' };
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example/web:2.0.0' }] } } } };
    const { code } = await statusOf(api.custom.patchNamespacedCustomObject({ ...rollouts, body: patch }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)));
    expect(code).toBe(415);
    const patched = (await api.custom.patchNamespacedCustomObject({ ...rollouts, body: patch }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))) as {
      metadata: { generation: number };
    };
    expect(patched.metadata.generation).toBe(2);
  });

  it('writes status through the status subresource without touching generation', async () => {
    const current = await api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'api' });
    const updated = await api.apps.replaceNamespacedDeploymentStatus({
      namespace: 'payments',
      name: 'api',
      body: { ...current, status: { ...current.status, readyReplicas: 1 }, spec: { ...current.spec!, replicas: 9 } },
    });
    expect(updated.status?.readyReplicas).toBe(1);
    expect(updated.spec?.replicas).toBe(3);
    expect(updated.metadata?.generation).toBe(1);
  });
});

describe('watch', () => {
  const watchLines = (path: string, query: Record<string, string | boolean>, count: number) =>
    new Promise<Array<{ type: string; object: Record<string, unknown> }>>((resolve, reject) => {
      const seen: Array<{ type: string; object: Record<string, unknown> }> = [];
      let controller: AbortController | undefined;
      new Watch(api.config)
        .watch(
          path,
          query,
          (type, object) => {
            seen.push({ type, object });
            if (seen.length === count) {
              controller?.abort();
              resolve(seen);
            }
          },
          (err) => (seen.length < count ? (err ? reject(err) : resolve(seen)) : undefined),
        )
        .then((c) => (controller = c), reject);
    });

  it('replays events after a resourceVersion and streams new ones, in order', async () => {
    const from = server.cluster('eu-1').resourceVersion();
    const lines = watchLines('/apis/apps/v1/namespaces/payments/deployments', { resourceVersion: from }, 3);
    await eventually(() => server.cluster('eu-1').openWatches() > 0);
    server.cluster('eu-1').setImage(api_, 'registry.example/api:1.1.0');
    server.cluster('eu-1').step(api_);
    server.cluster('eu-1').step(api_);
    const events = await lines;
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'MODIFIED']);
    const versions = events.map((e) => Number((e.object.metadata as { resourceVersion: string }).resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('sends BOOKMARK events when asked to', async () => {
    const events = await watchLines('/apis/apps/v1/namespaces/payments/deployments', { resourceVersion: server.cluster('eu-1').resourceVersion(), allowWatchBookmarks: true }, 2);
    expect(events.map((e) => e.type)).toEqual(['BOOKMARK', 'BOOKMARK']);
    expect((events[0]?.object.metadata as { resourceVersion: string }).resourceVersion).toBe(server.cluster('eu-1').resourceVersion());
  });

  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired, then closes', async () => {
    const old = server.cluster('eu-1').resourceVersion();
    server.cluster('eu-1').setImage(api_, 'registry.example/api:1.1.0');
    server.cluster('eu-1').compact();
    const events = await watchLines('/apis/apps/v1/namespaces/payments/deployments', { resourceVersion: old }, 1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('expires resourceVersions that fall out of the retained event window', async () => {
    const old = server.cluster('eu-1').resourceVersion();
    for (let i = 0; i < 60; i += 1) server.cluster('eu-1').update(api_, (o) => (o.metadata.annotations = { n: String(i) }));
    const events = await watchLines('/apis/apps/v1/namespaces/payments/deployments', { resourceVersion: old }, 1);
    expect(events[0]?.object.code).toBe(410);
  });
});

describe('authentication and authorization', () => {
  it('requires the cluster bearer token (401 without it) and accepts it', async () => {
    const anonymous = rawApis(server, 'us-1');
    anonymous.config.users = anonymous.config.users.map((u) => ({ name: u.name }));
    const error = await anonymous.apps.readNamespacedDeployment({ namespace: 'payments', name: 'x' }).catch((e: unknown) => e);
    // The generated client drops the body of a 401 (its spec declares 401 without one).
    expect(error).toMatchObject({ code: 401, body: undefined });
    server.cluster('us-1').createDeployment({ namespace: 'payments', name: 'x', image: 'x:1' });
    const withToken = rawApis(server, 'us-1');
    expect((await withToken.apps.readNamespacedDeployment({ namespace: 'payments', name: 'x' })).metadata?.name).toBe('x');
  });

  it('answers 403 with an RBAC message when a verb is denied', async () => {
    server.cluster('eu-1').deny({ verbs: ['get'], kind: 'Deployment' });
    const { code, body } = await statusOf(api.apps.readNamespacedDeployment({ namespace: 'payments', name: 'api' }));
    expect(code).toBe(403);
    expect(body.message).toBe(
      'deployments.apps "api" is forbidden: User "system:serviceaccount:wavegate:wavegate" cannot get resource "deployments" in API group "apps" in the namespace "payments"',
    );
  });
});

describe('simulated controller', () => {
  it('rolls a new image out one visible move at a time: observe, surge, available, retire', () => {
    const eu = server.cluster('eu-1');
    eu.setImage(api_, 'registry.example/api:1.1.0');
    const trail: string[] = [];
    while (eu.step(api_)) {
      const s = eu.get(api_)?.status as Record<string, number>;
      trail.push(`${s.observedGeneration}:${s.replicas}/${s.updatedReplicas}/${s.availableReplicas}`);
    }
    expect(trail).toEqual(['2:3/0/3', '2:4/1/3', '2:4/1/4', '2:3/1/3', '2:4/2/3', '2:4/2/4', '2:3/2/3', '2:4/3/3', '2:4/3/4', '2:3/3/3']);
  });

  it('moves a Rollout stableRS to the new template only when fully rolled out', () => {
    const eu = server.cluster('eu-1');
    const before = eu.get(web)?.status.stableRS;
    eu.setImage(web, 'registry.example/web:1.1.0');
    eu.step(web);
    eu.step(web);
    expect(eu.get(web)?.status).toMatchObject({ phase: 'Progressing', stableRS: before, message: 'more replicas need to be updated' });
    eu.settle(web);
    const after = eu.get(web)?.status;
    expect(after).toMatchObject({ phase: 'Healthy', observedGeneration: '2' });
    expect(after?.stableRS).not.toBe(before);
    expect(after?.stableRS).toBe(after?.currentPodHash);
  });
});
