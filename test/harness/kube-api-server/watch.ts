import type { ServerResponse } from 'node:http';
import type { Filter } from './selectors.js';
import { badRequest, StatusError, type KubeStatus } from './status.js';
import type { ClusterStore } from './store.js';
import type { KubeObject, ResourceType } from './types.js';

/** An open watch connection, as the control API sees it. */
export interface WatchStream {
  /** A stalled stream keeps its connection open and sends nothing, not even bookmarks. */
  stalled: boolean;
  /** Ends the response, as an API server does when a watch times out or it restarts. */
  close(): void;
}

export interface WatchContext {
  res: ServerResponse;
  store: ClusterStore;
  type: ResourceType;
  namespace?: string;
  filter: Filter;
  query: URLSearchParams;
  bookmarkIntervalMs: number;
  /** The cluster's open streams; this one adds itself and removes itself when it ends. */
  streams: Set<WatchStream>;
}

type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: KubeObject | Record<string, unknown> } | { type: 'ERROR'; object: KubeStatus };

/**
 * Serves `?watch=1` the way kube-apiserver does: 200 and newline-delimited JSON events. Without a
 * resourceVersion (or with "0") it starts with an ADDED event per existing object; with one, it
 * replays the events after it — or, when those are no longer held, sends one ERROR event carrying a
 * 410 `Expired` Status and closes. BOOKMARK events (only the resourceVersion) come every
 * `bookmarkIntervalMs` when `allowWatchBookmarks=true`; `timeoutSeconds` ends the stream cleanly.
 */
export function serveWatch(ctx: WatchContext): void {
  const { res, store, type, namespace, filter, query } = ctx;
  const matches = (o: KubeObject) => o.kind === type.kind && (namespace === undefined || o.metadata.namespace === namespace) && filter(o);
  const initial = initialEvents(ctx, matches);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  if (!Array.isArray(initial)) {
    res.end(line({ type: 'ERROR', object: initial }));
    return;
  }

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  const stream: WatchStream = { stalled: false, close: () => end() };
  const send = (event: WatchEvent) => {
    if (!stream.stalled && !res.writableEnded) res.write(line(event));
  };
  function end() {
    cleanup();
    if (!res.writableEnded) res.end();
  }
  function cleanup() {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    ctx.streams.delete(stream);
  }

  ctx.streams.add(stream);
  res.once('close', cleanup); // the client went away (a request's own 'close' only means its body was read)
  for (const event of initial) send(event);
  unsubscribe = store.subscribe((event) => {
    if (matches(event.object)) send({ type: event.type, object: event.object });
  });
  if (query.get('allowWatchBookmarks') === 'true') {
    const bookmark = () =>
      send({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion: `${type.group}/${type.version}`, metadata: { resourceVersion: String(store.resourceVersion) } } });
    const interval = setInterval(bookmark, ctx.bookmarkIntervalMs);
    interval.unref();
    timers.push(interval);
  }
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '');
  if (timeoutSeconds > 0) {
    const timeout = setTimeout(end, timeoutSeconds * 1000);
    timeout.unref();
    timers.push(timeout);
  }
}

function initialEvents(ctx: WatchContext, matches: (o: KubeObject) => boolean): WatchEvent[] | KubeStatus {
  const raw = ctx.query.get('resourceVersion') ?? '';
  if (raw === '' || raw === '0') {
    return ctx.store.list(ctx.type, ctx.namespace).filter(ctx.filter).map((object) => ({ type: 'ADDED' as const, object }));
  }
  const from = Number(raw);
  if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resourceVersion "${raw}"`);
  try {
    return ctx.store
      .eventsSince(from)
      .filter((e) => matches(e.object))
      .map((e) => ({ type: e.type, object: e.object }));
  } catch (error) {
    if (error instanceof StatusError && error.body.code === 410) return error.body;
    throw error;
  }
}

const line = (event: WatchEvent) => `${JSON.stringify(event)}\n`;
