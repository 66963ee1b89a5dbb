import { APP, BRANCH, PATH_TEMPLATE, REPO_NAME } from './fleet.js';

export interface DemoTimings {
  /** Analysis tick. */
  intervalMs: number;
  /** An analysis that has not decided by then decides on what it has. */
  maxDurationMs: number;
  bakeMs: number;
}

const seconds = (ms: number) => `${ms / 1000}s`;

/**
 * The rollout plan for `payments <version>`, as a release owner would write it: a canary region one
 * cluster at a time, then a cloud, then the rest; each wave baked, then judged against the clusters
 * still on the old version (the control group) on success rate, latency and error-budget burn.
 */
export function paymentsPlan(version: string, t: DemoTimings) {
  const step = {
    name: 'analysis',
    bake: seconds(t.bakeMs),
    analysis: {
      templates: ['http-success-rate', 'http-latency', 'error-budget-burn'],
      args: { service: APP, objective: '99' },
      interval: seconds(t.intervalMs),
      maxDuration: seconds(t.maxDurationMs),
      baseline: 'control',
    },
  };
  return {
    apiVersion: 'wavegate.dev/v1alpha1',
    kind: 'RolloutPlan',
    metadata: { name: `${APP}-${version}` },
    spec: {
      app: APP,
      version,
      git: { repo: REPO_NAME, branch: BRANCH, path: PATH_TEMPLATE, field: 'image.tag' },
      workload: { namespace: APP, kind: 'Deployment', name: APP },
      waves: [
        { name: 'eu-canary', selector: { matchLabels: { region: 'eu-west' } }, maxParallel: 1, steps: [step] },
        { name: 'aws', selector: { matchLabels: { cloud: 'aws' } }, steps: [step] },
        { name: 'rest', selector: { matchLabels: { env: 'prod' } }, steps: [step] },
      ],
      policies: { onInconclusive: 'pause', maxStepTime: '3m', convergenceTimeout: '1m' },
    },
  };
}
