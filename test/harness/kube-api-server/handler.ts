import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterState } from './cluster-state.js';
import { matches, reasonFor, takeFault, type KubeFault } from './faults.js';
import { isObject } from './json.js';
import { applyPatch } from './patch.js';
import { route, type ResourceRequest } from './routes.js';
import { selectorFilter } from './selectors.js';
import { badRequest, failure, forbidden, notFound, pathNotFound, StatusError, tooLarge, tooLargeResourceVersion, unauthorized } from './status.js';
import type { Json } from './types.js';
import { serveWatch } from './watch.js';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface HandlerContext {
  clusters: Map<string, ClusterState>;
  bookmarkIntervalMs: number;
}

/** One HTTP request to any cluster: route, authenticate, authorize, inject faults, serve. */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  try {
    const target = route(req.method ?? 'GET', req.url ?? '/');
    const cluster = target.cluster === undefined ? undefined : ctx.clusters.get(target.cluster);
    if (!cluster || target.kind === 'unknown') throw pathNotFound();
    if (target.kind === 'version') {
      authenticate(req, cluster);
      return sendJson(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-wavegate-test', platform: 'linux/amd64' });
    }
    const request = target.request;
    if (!cluster.serves(request.type)) throw pathNotFound();
    cluster.requests.push({ verb: request.verb, kind: request.type.kind, namespace: request.namespace, name: request.name, subresource: request.subresource, query: Object.fromEntries(request.query), at: Date.now() });
    authenticate(req, cluster);
    if (cluster.denials.some((d) => matches(d, request))) throw forbidden(cluster.user, request.verb, request.type, request.namespace, request.name);
    const fault = takeFault(cluster.faults, request);
    if (fault && (await injectFault(fault, req, res))) return;
    await serve(req, res, cluster, request, ctx);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = error instanceof StatusError ? error.body : failure(500, 'InternalError', `Internal error occurred: ${String(error)}`).body;
    sendJson(res, status.code, status);
  }
}

function authenticate(req: IncomingMessage, cluster: ClusterState): void {
  if (cluster.token === undefined) return;
  if (req.headers.authorization !== `Bearer ${cluster.token}`) throw unauthorized();
}

/** True when the fault answered (or swallowed) the request; false to serve it normally afterwards. */
async function injectFault(fault: KubeFault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'status':
      throw failure(fault.code, fault.reason ?? reasonFor(fault.code), fault.message ?? `injected ${fault.code}`);
    case 'hang':
      return true; // the server's close() destroys the socket
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'stall-body':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{');
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'garbage':
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return true;
    case 'echo-credentials':
      throw failure(500, 'InternalError', `upstream rejected request with Authorization: ${req.headers.authorization ?? '(none)'}`);
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, cluster: ClusterState, request: ResourceRequest, ctx: HandlerContext): Promise<void> {
  const { store } = cluster;
  const { type, namespace = '', name = '' } = request;
  const filter = () => selectorFilter(request.query.get('fieldSelector'), request.query.get('labelSelector'));
  switch (request.verb) {
    case 'get': {
      const object = store.get(type, namespace, name);
      if (!object) throw notFound(type, name);
      return sendJson(res, 200, object);
    }
    case 'list': {
      const asked = Number(request.query.get('resourceVersion') || '0');
      if (asked > store.resourceVersion) throw tooLargeResourceVersion(asked, store.resourceVersion);
      const items = store.list(type, request.namespace).filter(filter());
      return sendJson(res, 200, { kind: type.listKind, apiVersion: `${type.group}/${type.version}`, metadata: { resourceVersion: String(store.resourceVersion) }, items });
    }
    case 'watch':
      return serveWatch({ res, store, type, ...(request.namespace !== undefined ? { namespace: request.namespace } : {}), filter: filter(), query: request.query, bookmarkIntervalMs: ctx.bookmarkIntervalMs, streams: cluster.streams });
    case 'create': {
      const body = jsonBody(await readBody(req));
      const bodyNamespace = isObject(body.metadata) ? body.metadata.namespace : undefined;
      if (bodyNamespace !== undefined && bodyNamespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      return sendJson(res, 201, store.create(type, namespace, body));
    }
    case 'update': {
      const body = jsonBody(await readBody(req));
      return sendJson(res, 200, store.update(type, namespace, name, body, request.subresource ? { subresource: request.subresource } : {}));
    }
    case 'patch': {
      const body = await readBody(req);
      const current = store.get(type, namespace, name);
      if (!current) throw notFound(type, name);
      const next = applyPatch(type, current, req.headers['content-type'] ?? '', body);
      return sendJson(res, 200, store.update(type, namespace, name, next, request.subresource ? { subresource: request.subresource } : {}));
    }
    case 'delete':
      return sendJson(res, 200, store.delete(type, namespace, name));
  }
}

function jsonBody(text: string): Json {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  return body;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
