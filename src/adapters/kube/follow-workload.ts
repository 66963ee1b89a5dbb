import { setTimeout as sleep } from 'node:timers/promises';
import type { Watch } from '@kubernetes/client-node';
import type { WorkloadRef, WorkloadStatus } from '../../core/rollout/cluster-client.js';
import { KubeBadResponseError, KubeError } from '../../errors/kube-errors.js';
import type { KubeClientLogger } from './logger.js';
import type { WorkloadApi } from './workload-api.js';
import { watchStream } from './watch-stream.js';

export interface WatchSettings {
  /** No event or bookmark for this long → drop the connection and watch again (default 90 s; servers bookmark about every minute). */
  stallTimeoutMs: number;
  /** Asked of the server, which then ends the watch cleanly (default 300 s). */
  serverTimeoutSeconds: number;
  /** Backoff after a failure: base·2ⁿ⁻¹, capped, times [0.5, 1) (defaults 500 ms, 30 s). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Give up after this many failures in a row with nothing received in between (default 8). */
  maxConsecutiveFailures: number;
  random: () => number;
}

export interface FollowDeps {
  ref: WorkloadRef;
  api: WorkloadApi;
  watch: Watch;
  settings: WatchSettings;
  logger: KubeClientLogger | undefined;
  toStatus(raw: unknown): WorkloadStatus;
  classify(error: unknown, operation: string): KubeError;
}

/** What `onChange` threw, carried past the retry logic untouched. */
class ConsumerFailure {
  constructor(readonly error: unknown) {}
}

/**
 * List, then watch from the list's resourceVersion, forever: 410 Gone clears the resourceVersion
 * and re-lists (the JS informer's known loop is not repeated: the list always runs before the next
 * watch); a stalled or closed stream resumes from the last resourceVersion seen, bookmarks
 * included; retryable failures back off. See `ClusterClient.watchWorkload` for the contract.
 */
export async function followWorkload(deps: FollowDeps, onChange: (status: WorkloadStatus | null) => void, signal: AbortSignal): Promise<void> {
  const { ref, api, settings } = deps;
  const where = { cluster: ref.cluster, namespace: ref.namespace, kind: ref.kind, name: ref.name };
  let resourceVersion = '';
  let delivered: string | null | undefined; // resourceVersion of the last status given; null: absence given
  let failures = 0;

  const deliver = (raw: unknown) => {
    const status = raw === null || raw === undefined ? null : deps.toStatus(raw);
    const version = status ? status.resourceVersion : null;
    if (version === delivered) return;
    delivered = version;
    try {
      onChange(status);
    } catch (error) {
      throw new ConsumerFailure(error);
    }
  };

  while (!signal.aborted) {
    try {
      if (!resourceVersion) {
        const listed = await api.list(ref, signal);
        deliver(listed.item);
        resourceVersion = listed.resourceVersion;
        failures = 0;
      }
      const end = await watchStream({
        watch: deps.watch,
        path: api.watchPath(ref),
        query: { resourceVersion, allowWatchBookmarks: true, fieldSelector: `metadata.name=${ref.name}`, timeoutSeconds: settings.serverTimeoutSeconds },
        stallTimeoutMs: settings.stallTimeoutMs,
        signal,
        onObject: (type, object) => deliver(type === 'DELETED' ? null : object),
        onProgress: (version) => {
          resourceVersion = version;
          failures = 0;
        },
        classify: (error) => deps.classify(error, 'watch'),
      });
      if (end.kind === 'expired') {
        deps.logger?.info({ ...where, resourceVersion }, 'watch resourceVersion expired (410 Gone); re-listing');
        resourceVersion = '';
      } else if (end.kind === 'stalled') {
        deps.logger?.warn({ ...where, resourceVersion, stallTimeoutMs: settings.stallTimeoutMs }, 'watch stream stalled; reconnecting');
      } else if (end.kind === 'closed' && !end.sawEvent) {
        await pause(settings.retryBaseMs, signal); // a server that ends watches at once must not be hammered
      }
    } catch (error) {
      if (error instanceof ConsumerFailure) throw error.error;
      if (signal.aborted) return;
      const failure = error instanceof KubeError ? error : deps.classify(error, 'watch');
      failures += 1;
      if (!failure.retryable || failures >= settings.maxConsecutiveFailures) throw failure;
      // A body we could not read may be a bad object in the event history; start over from a list.
      if (failure instanceof KubeBadResponseError) resourceVersion = '';
      const delayMs = backoff(failures, settings);
      deps.logger?.warn({ ...where, code: failure.code, err: failure.message, attempt: failures, delayMs }, 'watch failed; retrying');
      await pause(delayMs, signal);
    }
  }
}

function backoff(attempt: number, s: WatchSettings): number {
  const ceiling = Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + s.random() / 2));
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // aborted: the loop sees signal.aborted and ends
  }
}
