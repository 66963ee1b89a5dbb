import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workloadConverged, type ClusterClient } from '../../../src/core/rollout/cluster-client.js';
import { KubeBadResponseError } from '../../../src/errors/kube-errors.js';
import { startKubeApiServer, type ClusterHandle, type KubeApiServer } from '../../harness/kube-api-server.js';
import { clientsFor, deploymentRef, rolloutRef } from './helpers.js';

/** Reading rollout status through the adapter, the real client and the test API server. */

let server: KubeApiServer;
let eu: ClusterHandle;
let client: ClusterClient;
const api = deploymentRef('eu-1');
const web = rolloutRef('eu-1');

beforeAll(async () => {
  server = await startKubeApiServer({ clusters: ['eu-1', 'us-1', { name: 'bare', servesRollouts: false }] });
  eu = server.cluster('eu-1');
  const clients = clientsFor(server, ['eu-1', 'us-1', 'bare']);
  client = clients('eu-1');
});
afterAll(() => server.close());

beforeEach(() => {
  for (const key of [api, web]) if (eu.get(key)) eu.delete(key);
  eu.createDeployment({ namespace: 'payments', name: 'api', image: 'registry.example/payments/api:1.4.1', sidecars: [{ name: 'envoy', image: 'envoy:v1.30' }] });
  eu.createRollout({ namespace: 'payments', name: 'web', image: 'registry.example/payments/web:1.4.1' });
});

describe('Deployment status', () => {
  it('reports a fully rolled-out Deployment as converged, with its counts and images', async () => {
    const status = await client.workloadStatus(api);
    expect(status).toMatchObject({
      ref: api,
      generation: 1,
      observedGeneration: 1,
      replicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      readyReplicas: 3,
      images: ['registry.example/payments/api:1.4.1', 'envoy:v1.30'],
      converged: true,
      stuck: false,
      reason: '3 of 3 replicas updated and available',
    });
  });

  it('follows the controller move by move after a new image, and converges only at the end', async () => {
    eu.setImage(api, 'registry.example/payments/api:1.4.2');
    const reasons: string[] = [];
    do {
      const status = await client.workloadStatus(api);
      reasons.push(status?.reason ?? 'missing');
      if (status?.converged) break;
    } while (eu.step(api));
    expect(reasons).toEqual([
      'waiting for the controller to observe generation 2 (observed 1)',
      '0 of 3 replicas updated',
      '1 of 3 replicas updated',
      '1 of 3 replicas updated',
      '1 of 3 replicas updated',
      '2 of 3 replicas updated',
      '2 of 3 replicas updated',
      '2 of 3 replicas updated',
      '1 old replica pending termination', // kubectl checks old replicas before availability
      '1 old replica pending termination',
      '3 of 3 replicas updated and available',
    ]);
  });

  it('is converged on a version only when every replica runs the new template with that tag', async () => {
    eu.setImage(api, 'registry.example/payments/api:1.4.2');
    eu.step(api);
    eu.step(api);
    const midway = await client.workloadStatus(api);
    expect(midway && workloadConverged(midway, '1.4.2')).toMatchObject({ converged: false, reason: '1 of 3 replicas updated' });
    eu.settle(api);
    const done = await client.workloadStatus(api);
    expect(done && workloadConverged(done, '1.4.2').converged).toBe(true);
    expect(done && workloadConverged(done, '1.4.1')).toMatchObject({
      converged: false,
      reason: 'the pod template runs registry.example/payments/api:1.4.2, envoy:v1.30, not 1.4.1',
    });
  });

  it('says why a stuck Deployment will not converge', async () => {
    eu.setImage(api, 'registry.example/payments/api:1.4.2');
    eu.step(api);
    eu.step(api);
    eu.stick(api);
    const status = await client.workloadStatus(api);
    expect(status).toMatchObject({ converged: false, stuck: true });
    expect(status?.reason).toMatch(/^progress deadline exceeded: ReplicaSet "api-\w+" has timed out progressing\.$/);
    expect(eu.step(api)).toBe(false);
  });

  it('starts over when a stuck Deployment gets a new spec', async () => {
    eu.setImage(api, 'registry.example/payments/api:1.4.2');
    eu.stick(api);
    eu.setImage(api, 'registry.example/payments/api:1.4.1');
    eu.settle(api);
    expect(await client.workloadStatus(api)).toMatchObject({ converged: true, stuck: false, generation: 3 });
  });
});

describe('Rollout status', () => {
  it('reports a Healthy Rollout whose stable ReplicaSet is the current template as converged', async () => {
    const status = await client.workloadStatus(web);
    expect(status).toMatchObject({ phase: 'Healthy', converged: true, reason: 'Healthy: 3 of 3 replicas updated and available', images: ['registry.example/payments/web:1.4.1'] });
    expect(status?.stableRS).toBe(status?.currentPodHash);
  });

  it('follows the phase while the Rollout progresses, and converges once promoted', async () => {
    eu.setImage(web, 'registry.example/payments/web:1.4.2');
    expect(await client.workloadStatus(web)).toMatchObject({ phase: 'Healthy', converged: false, reason: 'waiting for the controller to observe generation 2 (observed 1)' });
    eu.step(web);
    eu.step(web);
    const progressing = await client.workloadStatus(web);
    expect(progressing).toMatchObject({ phase: 'Progressing', converged: false, reason: 'Progressing: more replicas need to be updated' });
    expect(progressing?.stableRS).not.toBe(progressing?.currentPodHash);
    eu.settle(web);
    const done = await client.workloadStatus(web);
    expect(done && workloadConverged(done, '1.4.2')).toEqual({ converged: true, stuck: false, reason: 'Healthy: 3 of 3 replicas updated and available' });
  });

  it('reports a paused Rollout, then the pending resume, then progress again', async () => {
    eu.setImage(web, 'registry.example/payments/web:1.4.2');
    eu.step(web);
    eu.step(web);
    eu.pause(web);
    expect(await client.workloadStatus(web)).toMatchObject({ phase: 'Paused', stuck: false, reason: 'Paused: CanaryPauseStep' });
    expect(eu.step(web)).toBe(false);
    eu.resume(web);
    expect(await client.workloadStatus(web)).toMatchObject({ unpausing: true, reason: 'waiting for the rollout to unpause' });
    eu.step(web);
    expect(await client.workloadStatus(web)).toMatchObject({ unpausing: false, phase: 'Progressing' });
  });

  it('says why an aborted Rollout will not converge', async () => {
    eu.setImage(web, 'registry.example/payments/web:1.4.2');
    eu.step(web);
    eu.step(web);
    eu.degrade(web, 'metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)');
    const status = await client.workloadStatus(web);
    expect(status).toMatchObject({ phase: 'Degraded', converged: false, stuck: true, updatedReplicas: 0 });
    expect(status?.reason).toBe('Degraded: RolloutAborted: Rollout aborted update to revision 2: metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)');
  });

  it('says why a Rollout past its progress deadline will not converge', async () => {
    eu.setImage(web, 'registry.example/payments/web:1.4.2');
    eu.step(web);
    eu.stick(web);
    expect((await client.workloadStatus(web))?.reason).toMatch(/^Degraded: ProgressDeadlineExceeded: ReplicaSet "web-\w+" has timed out progressing\.$/);
  });
});

describe('absent workloads', () => {
  it('answers null for a Deployment or Rollout that does not exist', async () => {
    expect(await client.workloadStatus(deploymentRef('eu-1', 'ghost'))).toBeNull();
    expect(await client.workloadStatus(rolloutRef('eu-1', 'ghost'))).toBeNull();
    expect(await client.workloadStatus(deploymentRef('eu-1', 'api', 'elsewhere'))).toBeNull();
  });

  it('answers null once a workload is deleted', async () => {
    eu.delete(api);
    expect(await client.workloadStatus(api)).toBeNull();
  });

  it('reads each cluster separately: a workload in eu-1 is absent from us-1', async () => {
    expect(await clientsFor(server, ['us-1'])('us-1').workloadStatus(deploymentRef('us-1'))).toBeNull();
  });

  it('does not mistake a cluster without Argo Rollouts for an absent Rollout', async () => {
    const error = await clientsFor(server, ['bare'])('bare')
      .workloadStatus(rolloutRef('bare'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeBadResponseError);
    expect(error).toMatchObject({ retryable: false, details: { cluster: 'bare', status: 404 } });
    expect((error as Error).message).toBe('Kubernetes cluster bare: get Rollout payments/web: the cluster does not serve rollouts.argoproj.io/v1alpha1 (is Argo Rollouts installed?)');
  });
});
