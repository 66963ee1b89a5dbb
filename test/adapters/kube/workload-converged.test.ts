import { describe, expect, it } from 'vitest';
import { imageTag, workloadConverged, type ObservedWorkload } from '../../../src/core/rollout/cluster-client.js';

function deployment(overrides: Partial<ObservedWorkload> = {}): ObservedWorkload {
  return {
    ref: { cluster: 'eu-1', namespace: 'payments', kind: 'Deployment', name: 'api' },
    resourceVersion: '7',
    generation: 2,
    observedGeneration: 2,
    replicas: 3,
    currentReplicas: 3,
    updatedReplicas: 3,
    availableReplicas: 3,
    readyReplicas: 3,
    images: ['registry.example/payments/api:1.4.2', 'envoyproxy/envoy:v1.30.1'],
    conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
    ...overrides,
  };
}

function rollout(overrides: Partial<ObservedWorkload> = {}): ObservedWorkload {
  return deployment({
    ref: { cluster: 'eu-1', namespace: 'payments', kind: 'Rollout', name: 'web' },
    phase: 'Healthy',
    message: '',
    stableRS: '6b8f9c',
    currentPodHash: '6b8f9c',
    unpausing: false,
    ...overrides,
  });
}

describe('workloadConverged for Deployments (as kubectl rollout status)', () => {
  it('is converged when every desired replica runs the current template and is available', () => {
    expect(workloadConverged(deployment())).toEqual({ converged: true, stuck: false, reason: '3 of 3 replicas updated and available' });
  });

  it('waits until the controller has observed the latest generation', () => {
    expect(workloadConverged(deployment({ observedGeneration: 1 }))).toMatchObject({
      converged: false,
      reason: 'waiting for the controller to observe generation 2 (observed 1)',
    });
  });

  it('counts updated replicas against the desired count', () => {
    expect(workloadConverged(deployment({ updatedReplicas: 2, currentReplicas: 4 }))).toMatchObject({ converged: false, stuck: false, reason: '2 of 3 replicas updated' });
  });

  it('waits for old replicas to terminate', () => {
    expect(workloadConverged(deployment({ currentReplicas: 5 })).reason).toBe('2 old replicas pending termination');
    expect(workloadConverged(deployment({ currentReplicas: 4 })).reason).toBe('1 old replica pending termination');
  });

  it('waits for updated replicas to become available', () => {
    expect(workloadConverged(deployment({ availableReplicas: 2 }))).toMatchObject({ converged: false, reason: '2 of 3 updated replicas available' });
  });

  it('reports a progress deadline exceeded as stuck, with the controller message', () => {
    const stuck = deployment({
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-7d9" has timed out progressing.' }],
    });
    expect(workloadConverged(stuck)).toEqual({ converged: false, stuck: true, reason: 'progress deadline exceeded: ReplicaSet "api-7d9" has timed out progressing.' });
  });

  it('treats zero desired replicas with none left as converged', () => {
    expect(workloadConverged(deployment({ replicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0 })).converged).toBe(true);
  });
});

describe('workloadConverged for Argo Rollouts (as kubectl argo rollouts status)', () => {
  it('is converged when Healthy, observed, and the stable ReplicaSet is the current template', () => {
    expect(workloadConverged(rollout())).toEqual({ converged: true, stuck: false, reason: 'Healthy: 3 of 3 replicas updated and available' });
  });

  it('waits for the spec to be observed even when the phase still says Healthy', () => {
    expect(workloadConverged(rollout({ observedGeneration: 1 })).converged).toBe(false);
  });

  it('is not converged while the stable ReplicaSet is still the previous template', () => {
    const result = workloadConverged(rollout({ stableRS: '5a1b2c' }));
    expect(result.converged).toBe(false);
    expect(result.reason).toBe('Healthy, but the stable ReplicaSet (5a1b2c) is not the current template (6b8f9c)');
  });

  it('passes the controller phase and message through while progressing or paused', () => {
    expect(workloadConverged(rollout({ phase: 'Progressing', message: 'more replicas need to be updated' }))).toEqual({
      converged: false,
      stuck: false,
      reason: 'Progressing: more replicas need to be updated',
    });
    expect(workloadConverged(rollout({ phase: 'Paused', message: 'CanaryPauseStep' }))).toMatchObject({ converged: false, stuck: false, reason: 'Paused: CanaryPauseStep' });
  });

  it('reports Degraded (aborted, deadline exceeded) as stuck', () => {
    const aborted = rollout({ phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 4: metric "success-rate" assessed Failed' });
    expect(workloadConverged(aborted)).toEqual({
      converged: false,
      stuck: true,
      reason: 'Degraded: RolloutAborted: Rollout aborted update to revision 4: metric "success-rate" assessed Failed',
    });
  });

  it('waits while a resume has not been acted on (controllerPause without pause conditions)', () => {
    expect(workloadConverged(rollout({ unpausing: true, phase: 'Paused' })).reason).toBe('waiting for the rollout to unpause');
  });

  it('is not converged before the controller reports a phase', () => {
    const { phase: _phase, ...noPhase } = rollout();
    expect(workloadConverged(noPhase).reason).toBe('the Argo Rollouts controller has not reported a phase');
  });

  it('keeps old replicas out of the decision (scale-down delay keeps them while Healthy)', () => {
    expect(workloadConverged(rollout({ currentReplicas: 6 })).converged).toBe(true);
  });
});

describe('workloadConverged with an expected version', () => {
  it('requires a container with the expected tag', () => {
    expect(workloadConverged(deployment(), '1.4.2').converged).toBe(true);
    expect(workloadConverged(deployment(), '1.4.3')).toEqual({
      converged: false,
      stuck: false,
      reason: 'the pod template runs registry.example/payments/api:1.4.2, envoyproxy/envoy:v1.30.1, not 1.4.3',
    });
  });

  it('compares a whole image reference when one is given', () => {
    expect(workloadConverged(deployment(), 'registry.example/payments/api:1.4.2').converged).toBe(true);
    expect(workloadConverged(deployment(), 'other.example/payments/api:1.4.2').converged).toBe(false);
  });

  it('checks the version before the replicas: a template without it will never converge to it', () => {
    expect(workloadConverged(deployment({ updatedReplicas: 1 }), '2.0.0').reason).toMatch(/not 2\.0\.0$/);
  });

  it('is converged on the version only once the rollout itself is converged', () => {
    expect(workloadConverged(deployment({ availableReplicas: 1 }), '1.4.2')).toMatchObject({ converged: false, reason: '1 of 3 updated replicas available' });
  });
});

describe('imageTag', () => {
  it('reads the tag, ignoring registry ports and digests', () => {
    expect(imageTag('registry:5000/app:1.2')).toBe('1.2');
    expect(imageTag('registry:5000/app')).toBeUndefined();
    expect(imageTag('app:1.2@sha256:abc')).toBe('1.2');
    expect(imageTag('nginx')).toBeUndefined();
  });
});
