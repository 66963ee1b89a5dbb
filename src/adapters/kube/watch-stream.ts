import type { Watch } from '@kubernetes/client-node';
import type { KubeError } from '../../errors/kube-errors.js';
import { statusOfBody } from './classify-error.js';

/** How one watch connection ended, when it did not fail. */
export type StreamEnd =
  /** The server ended the response (its `timeoutSeconds`, a restart); resume from the last resourceVersion. */
  | { kind: 'closed'; sawEvent: boolean }
  /** 410 Gone (an ERROR event or an HTTP status): the resourceVersion is too old; re-list. */
  | { kind: 'expired' }
  /** Nothing arrived, not even a bookmark, within the stall timeout; the connection was dropped. */
  | { kind: 'stalled' }
  | { kind: 'aborted' };

export interface StreamOptions {
  watch: Watch;
  path: string;
  query: Record<string, string | number | boolean>;
  stallTimeoutMs: number;
  signal: AbortSignal;
  /** ADDED, MODIFIED and DELETED objects; what it throws ends the stream with that error. */
  onObject(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown): void;
  /** The resourceVersion of every event and bookmark, once handled. */
  onProgress(resourceVersion: string): void;
  classify(error: unknown): KubeError;
}

/**
 * One watch connection through client-node's `Watch`. Resolves with how it ended; rejects with a
 * typed error, or with what `onObject` threw. The stall timer runs from the start (headers
 * included) and restarts on every line, bookmarks included.
 */
export function watchStream(o: StreamOptions): Promise<StreamEnd> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let sawEvent = false;
    let connection: AbortController | undefined;
    let stallTimer: NodeJS.Timeout | undefined;

    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(stallTimer);
      o.signal.removeEventListener('abort', onAbort);
      connection?.abort();
      finish();
    };
    const onAbort = () => settle(() => resolve({ kind: 'aborted' }));
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => settle(() => resolve({ kind: 'stalled' })), o.stallTimeoutMs);
      stallTimer.unref();
    };

    const onEvent = (type: string, object: unknown) => {
      if (settled) return;
      armStall();
      sawEvent = true;
      try {
        if (type === 'ERROR') {
          const status = statusOfBody(object);
          if (status.code === 410) return settle(() => resolve({ kind: 'expired' }));
          const failure = Object.assign(new Error(status.message ?? 'watch error'), { statusCode: status.code ?? 500, body: object });
          return settle(() => reject(o.classify(failure)));
        }
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') o.onObject(type, object);
        const resourceVersion = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
        if (typeof resourceVersion === 'string' && resourceVersion !== '') o.onProgress(resourceVersion);
      } catch (error) {
        settle(() => reject(error));
      }
    };
    const onDone = (error: unknown) => {
      if (settled) return;
      if (!error) return settle(() => resolve({ kind: 'closed', sawEvent }));
      if ((error as { statusCode?: unknown }).statusCode === 410) return settle(() => resolve({ kind: 'expired' }));
      settle(() => reject(o.classify(error)));
    };

    if (o.signal.aborted) return resolve({ kind: 'aborted' });
    o.signal.addEventListener('abort', onAbort, { once: true });
    armStall();
    o.watch.watch(o.path, o.query, onEvent, onDone).then(
      (controller) => {
        connection = controller;
        if (settled) controller.abort();
      },
      (error: unknown) => settle(() => reject(o.classify(error))),
    );
  });
}
