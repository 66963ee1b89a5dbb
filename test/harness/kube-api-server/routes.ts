import { methodNotAllowed } from './status.js';
import { RESOURCE_TYPES, type ResourceType, type Verb } from './types.js';

/** One API request, decoded from `/clusters/<cluster>/apis/<group>/<version>/…`. */
export interface ResourceRequest {
  type: ResourceType;
  /** Absent for the all-namespaces list and watch (`/apis/apps/v1/deployments`). */
  namespace?: string;
  name?: string;
  subresource?: 'status';
  verb: Verb;
  query: URLSearchParams;
}

export type Route =
  | { kind: 'resource'; cluster: string; request: ResourceRequest }
  | { kind: 'version'; cluster: string }
  | { kind: 'unknown'; cluster?: string };

/** Each cluster's API lives under its own path prefix: that prefix is its kubeconfig `server:` URL. */
export const CLUSTER_PREFIX = '/clusters/';

export function route(method: string, rawUrl: string): Route {
  const url = new URL(rawUrl, 'http://kube.test');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'clusters' || !parts[1]) return { kind: 'unknown' };
  const cluster = parts[1];
  const rest = parts.slice(2);
  if (rest.length === 1 && rest[0] === 'version') return { kind: 'version', cluster };
  if (rest[0] !== 'apis') return { kind: 'unknown', cluster };
  const [, group, version, ...tail] = rest;
  let namespace: string | undefined;
  let remainder = tail;
  if (tail[0] === 'namespaces' && tail.length >= 3) {
    namespace = tail[1];
    remainder = tail.slice(2);
  }
  const [plural, name, subresource, ...extra] = remainder;
  const type = RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
  if (!type || extra.length > 0 || (subresource !== undefined && subresource !== 'status')) return { kind: 'unknown', cluster };
  if (name !== undefined && namespace === undefined) return { kind: 'unknown', cluster };
  const watch = ['1', 'true'].includes(url.searchParams.get('watch') ?? '');
  const verb = verbOf(method, name !== undefined, watch);
  const request: ResourceRequest = { type, verb, query: url.searchParams };
  if (namespace !== undefined) request.namespace = namespace;
  if (name !== undefined) request.name = name;
  if (subresource === 'status') request.subresource = 'status';
  return { kind: 'resource', cluster, request };
}

function verbOf(method: string, named: boolean, watch: boolean): Verb {
  switch (method) {
    case 'GET':
      return named ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      if (named) throw methodNotAllowed(method);
      return 'create';
    case 'PUT':
      if (!named) throw methodNotAllowed(method);
      return 'update';
    case 'PATCH':
      if (!named) throw methodNotAllowed(method);
      return 'patch';
    case 'DELETE':
      if (!named) throw methodNotAllowed(method);
      return 'delete';
    default:
      throw methodNotAllowed(method);
  }
}
