import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterClient, WorkloadStatus } from '../../../src/core/rollout/cluster-client.js';
import { KubeForbiddenError, KubeUnavailableError } from '../../../src/errors/kube-errors.js';
import { startKubeApiServer, type ClusterHandle, type KubeApiServer } from '../../harness/kube-api-server.js';
import { clientsFor, deploymentRef, eventually, recordingLogger, rolloutRef } from './helpers.js';

/**
 * watchWorkload through the real client's Watch against the test API server. Bookmarks every
 * 100 ms and a 400 ms stall timeout: a healthy quiet stream never looks stalled.
 */

let server: KubeApiServer;
let eu: ClusterHandle;
const api = deploymentRef('eu-1');
const web = rolloutRef('eu-1');

beforeAll(async () => {
  server = await startKubeApiServer({ clusters: ['eu-1'], bookmarkIntervalMs: 100 });
  eu = server.cluster('eu-1');
});
afterAll(() => server.close());

/** A watch under test: what it delivered, its log, and how it ended. */
function follow(ref = api, options: { maxConsecutiveFailures?: number; timeoutMs?: number; onChange?: (s: WorkloadStatus | null) => void } = {}) {
  const log = recordingLogger();
  const client: ClusterClient = clientsFor(server, ['eu-1'], {
    logger: log.logger,
    timeoutMs: options.timeoutMs ?? 1_000,
    watch: { stallTimeoutMs: 400, retryBaseMs: 20, retryMaxMs: 100, random: () => 0.5, maxConsecutiveFailures: options.maxConsecutiveFailures ?? 8 },
  })('eu-1');
  const seen: Array<WorkloadStatus | null> = [];
  const controller = new AbortController();
  const done = client.watchWorkload(
    ref,
    (status) => {
      seen.push(status);
      options.onChange?.(status);
    },
    controller.signal,
  );
  const outcome = done.then(
    () => 'resolved' as const,
    (error: unknown) => error,
  );
  const latest = () => seen[seen.length - 1];
  return { seen, log, outcome, latest, stop: () => controller.abort(), done };
}

let watching: ReturnType<typeof follow> | undefined;
const start = (...args: Parameters<typeof follow>) => (watching = follow(...args));

beforeEach(() => {
  eu.stopController();
  eu.clearFaults();
  eu.allowAll();
  for (const key of [api, web]) if (eu.get(key)) eu.delete(key);
  eu.createDeployment({ namespace: 'payments', name: 'api', image: 'registry.example/api:1.0.0' });
  eu.createRollout({ namespace: 'payments', name: 'web', image: 'registry.example/web:1.0.0' });
});
afterEach(async () => {
  watching?.stop();
  await watching?.outcome;
  watching = undefined;
  eu.stopController();
  await eventually(() => eu.openWatches() === 0, 2_000, 'watches to close');
});

const requestsSince = (index: number) => eu.requests.slice(index).map((r) => `${r.verb}${r.query.resourceVersion ? `@${r.query.resourceVersion}` : ''}`);

describe('watchWorkload', () => {
  it('delivers the current status first, then every change until the rollout converges', async () => {
    const w = start();
    await eventually(() => w.seen.length === 1);
    expect(w.seen[0]).toMatchObject({ converged: true, generation: 1 });
    eu.setImage(api, 'registry.example/api:1.1.0');
    eu.startController(10);
    const last = await eventually(() => w.latest()?.generation === 2 && w.latest()?.converged && w.latest());
    expect(last).toMatchObject({ images: ['registry.example/api:1.1.0'], updatedReplicas: 3, availableReplicas: 3 });
    const reasons = w.seen.map((s) => s?.reason);
    expect(reasons).toContain('waiting for the controller to observe generation 2 (observed 1)');
    expect(reasons).toContain('1 of 3 replicas updated');
    const versions = w.seen.map((s) => Number(s?.resourceVersion));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('follows an Argo Rollout to Healthy on the new template', async () => {
    const w = start(web);
    await eventually(() => w.seen.length === 1);
    eu.setImage(web, 'registry.example/web:1.1.0');
    eu.startController(10);
    const last = await eventually(() => w.latest()?.generation === 2 && w.latest()?.converged && w.latest());
    expect(last).toMatchObject({ phase: 'Healthy' });
    expect(w.seen.map((s) => s?.phase)).toContain('Progressing');
  });

  it('re-lists after 410 Gone and carries on from the new resourceVersion', async () => {
    const w = start();
    await eventually(() => eu.openWatches() === 1 && w.seen.length === 1);
    const before = eu.requests.length;
    // The stream misses a change, the history is compacted, then the server ends the stream:
    // the adapter's next watch asks for a resourceVersion the server no longer holds.
    eu.stallWatches();
    eu.setImage(api, 'registry.example/api:1.1.0');
    eu.compact();
    eu.closeWatches();
    await eventually(() => w.latest()?.generation === 2, 3_000, 'the missed change');
    await eventually(() => requestsSince(before).length >= 3, 3_000, 'the watch after the re-list');
    expect(requestsSince(before).slice(0, 3)).toEqual([expect.stringMatching(/^watch@\d+$/), 'list', expect.stringMatching(/^watch@\d+$/)]);
    expect(w.log.lines.map((l) => l.msg)).toContain('watch resourceVersion expired (410 Gone); re-listing');
    eu.step(api);
    await eventually(() => w.latest()?.observedGeneration === 2, 3_000, 'changes after the re-list');
  });

  it('re-lists when the watch request itself is answered with HTTP 410', async () => {
    const w = start();
    await eventually(() => eu.openWatches() === 1);
    eu.injectFault({ kind: 'status', code: 410, reason: 'Expired', message: 'too old resource version' }, { verbs: ['watch'], times: 1 });
    const before = eu.requests.length;
    eu.closeWatches();
    await eventually(() => eu.openWatches() === 1 && requestsSince(before).length >= 3);
    expect(requestsSince(before).slice(0, 2)).toEqual([expect.stringMatching(/^watch@/), 'list']);
    eu.setImage(api, 'registry.example/api:1.1.0');
    await eventually(() => w.latest()?.generation === 2);
  });

  it('detects a stream that goes silent, reconnects from the last resourceVersion and gets what it missed', async () => {
    const w = start();
    await eventually(() => eu.openWatches() === 1 && w.seen.length === 1);
    const before = eu.requests.length;
    eu.stallWatches();
    eu.setImage(api, 'registry.example/api:1.1.0');
    await eventually(() => w.latest()?.generation === 2, 3_000, 'the change after the stall');
    expect(w.log.lines.find((l) => l.msg === 'watch stream stalled; reconnecting')).toMatchObject({ level: 'warn', obj: { stallTimeoutMs: 400 } });
    expect(requestsSince(before)).toEqual([expect.stringMatching(/^watch@\d+$/)]); // no re-list needed
    expect(eu.openWatches()).toBe(1); // the stalled connection was dropped
  });

  it('keeps a quiet but healthy stream: bookmarks are progress, and timeoutMs does not cut it', async () => {
    const before = eu.requests.length;
    const w = start(api, { timeoutMs: 300 });
    await eventually(() => w.seen.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(w.log.lines).toEqual([]);
    expect(requestsSince(before)).toEqual(['list', expect.stringMatching(/^watch@\d+$/)]);
  });

  it('recovers when a watch request gets no answer at all', async () => {
    eu.injectFault({ kind: 'hang' }, { verbs: ['watch'], times: 1 });
    const w = start();
    await eventually(() => w.seen.length === 1);
    await eventually(() => eu.openWatches() === 1, 3_000, 'a second, answered watch');
    eu.setImage(api, 'registry.example/api:1.1.0');
    await eventually(() => w.latest()?.generation === 2);
  });

  it('bounds the wait for a watch response by timeoutMs, even with a longer stall timeout', async () => {
    eu.injectFault({ kind: 'hang' }, { verbs: ['watch'], times: 1 });
    const log = recordingLogger();
    const client = clientsFor(server, ['eu-1'], { timeoutMs: 300, logger: log.logger, watch: { stallTimeoutMs: 60_000, retryBaseMs: 20, random: () => 0.5 } })('eu-1');
    const controller = new AbortController();
    const seen: Array<WorkloadStatus | null> = [];
    const done = client.watchWorkload(api, (s) => seen.push(s), controller.signal);
    try {
      await eventually(() => eu.openWatches() === 1, 2_000, 'a second, answered watch');
      expect(log.lines.find((l) => l.msg === 'watch failed; retrying')).toMatchObject({ obj: { code: 'KUBE_UNAVAILABLE' } });
      eu.setImage(api, 'registry.example/api:1.1.0');
      await eventually(() => seen[seen.length - 1]?.generation === 2);
    } finally {
      controller.abort();
      await done;
    }
  });

  it('delivers null when the workload is deleted and its status when it comes back', async () => {
    const w = start();
    await eventually(() => w.seen.length === 1);
    eu.delete(api);
    await eventually(() => w.latest() === null);
    eu.createDeployment({ namespace: 'payments', name: 'api', image: 'registry.example/api:2.0.0' });
    await eventually(() => w.latest()?.converged && w.latest()?.images[0] === 'registry.example/api:2.0.0');
  });

  it('starts with null for a workload that does not exist yet', async () => {
    const w = start(deploymentRef('eu-1', 'later'));
    await eventually(() => w.seen.length === 1);
    expect(w.seen).toEqual([null]);
    eu.createDeployment({ namespace: 'payments', name: 'later', image: 'later:1' });
    await eventually(() => w.latest()?.converged);
  });

  it('retries transient failures and gives up with KUBE_UNAVAILABLE after too many in a row', async () => {
    eu.injectFault({ kind: 'status', code: 503 }, { verbs: ['list', 'watch'] });
    const w = start(api, { maxConsecutiveFailures: 3 });
    const error = await w.outcome;
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect(error).toMatchObject({ details: { status: 503, operation: 'list' } });
    expect(w.log.lines.filter((l) => l.msg === 'watch failed; retrying')).toHaveLength(2);
  });

  it('survives a failing stretch shorter than the limit', async () => {
    const w = start(api, { maxConsecutiveFailures: 3 });
    await eventually(() => eu.openWatches() === 1);
    eu.injectFault({ kind: 'status', code: 500 }, { verbs: ['watch'], times: 2 });
    eu.closeWatches();
    await eventually(() => eu.openWatches() === 1, 3_000, 'the watch after two failures');
    eu.setImage(api, 'registry.example/api:1.1.0');
    await eventually(() => w.latest()?.generation === 2);
    expect(w.log.lines.filter((l) => l.msg === 'watch failed; retrying')).toHaveLength(2);
  });

  it('stops at once with KUBE_FORBIDDEN when the watch is not allowed', async () => {
    eu.deny({ verbs: ['watch'] });
    const before = eu.requests.length;
    const w = start();
    expect(await w.outcome).toBeInstanceOf(KubeForbiddenError);
    expect(requestsSince(before)).toEqual(['list', expect.stringMatching(/^watch@\d+$/)]);
  });

  it('resolves when aborted and closes its connection', async () => {
    const w = start();
    await eventually(() => eu.openWatches() === 1);
    w.stop();
    expect(await w.outcome).toBe('resolved');
    await eventually(() => eu.openWatches() === 0, 2_000, 'the connection to close');
  });

  it('stops and rejects with what onChange threw', async () => {
    const boom = new Error('consumer bug');
    const w = start(api, {
      onChange: (status) => {
        if (status?.generation === 2) throw boom;
      },
    });
    await eventually(() => eu.openWatches() === 1);
    eu.setImage(api, 'registry.example/api:1.1.0');
    expect(await w.outcome).toBe(boom);
    await eventually(() => eu.openWatches() === 0, 2_000, 'the connection to close');
  });
});
