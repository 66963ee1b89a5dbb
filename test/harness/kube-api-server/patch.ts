import { clone, isObject, sameJson } from './json.js';
import { badRequest, failure, unsupportedMediaType } from './status.js';
import type { Json, ResourceType } from './types.js';

/** The patch formats a Kubernetes API server accepts, by Content-Type. */
export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

/**
 * Applies a PATCH body to `current` and returns the full new object. JSON Patch (RFC 6902: add,
 * remove, replace, test), JSON Merge Patch (RFC 7386) and a strategic-merge subset: lists of
 * containers, env, ports, volumes… merge by their key (`$patch: delete` removes an item), other lists
 * are replaced, `$setElementOrder/…` and `$retainKeys` are ignored. Like a real API server,
 * strategic merge is refused for custom resources (415), and server-side apply is not supported.
 */
export function applyPatch(type: ResourceType, current: Json, contentType: string, body: string): Json {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const patch = parse(body);
  switch (mediaType) {
    case PATCH_TYPES.json:
      if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      return jsonPatch(current, patch);
    case PATCH_TYPES.merge:
      return asObject(mergePatch(current, patch));
    case PATCH_TYPES.strategic:
      if (type.custom) throw unsupportedMediaType(`${mediaType} (strategic merge patch is not supported for custom resources)`);
      return asObject(strategicMerge(current, patch, ''));
    default:
      throw unsupportedMediaType(mediaType || '(none)');
  }
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw badRequest('the body of the patch is not valid JSON');
  }
}

function asObject(value: unknown): Json {
  if (!isObject(value)) throw badRequest('a patch must produce an object');
  return value;
}

/** RFC 7386: objects merge, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Json = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Merge keys of the core lists a strategic merge patch reaches inside a pod template. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
};

function strategicMerge(target: unknown, patch: unknown, field: string): unknown {
  if (Array.isArray(patch)) return mergeList(target, patch, field);
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return clone(rest);
  }
  const result: Json = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (value === null) delete result[key];
    else result[key] = strategicMerge(result[key], value, key);
  }
  return result;
}

function mergeList(target: unknown, patch: unknown[], field: string): unknown[] {
  const mergeKey = MERGE_KEYS[field];
  if (!mergeKey || !Array.isArray(target)) return clone(patch).filter((item) => !(isObject(item) && item.$patch === 'delete'));
  const result = clone(target) as unknown[];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMerge(result[index], item, '');
    } else {
      result.push(clone(item));
    }
  }
  return result;
}

type Operation = { op: string; path: string; value?: unknown; from?: string };

/** RFC 6902 add / remove / replace / test; a failed test or a missing path is a 422, as in Kubernetes. */
function jsonPatch(current: Json, operations: unknown[]): Json {
  let document: unknown = clone(current);
  for (const raw of operations) {
    const op = raw as Operation;
    if (!isObject(raw) || typeof op.op !== 'string' || typeof op.path !== 'string') throw badRequest('a JSON patch operation needs "op" and "path"');
    const tokens = pointer(op.path);
    switch (op.op) {
      case 'test':
        if (!sameJson(lookup(document, tokens, op.path), op.value)) throw unprocessable(`testing value ${op.path} failed`);
        break;
      case 'add':
      case 'replace':
        document = put(document, tokens, clone(op.value), op.op, op.path);
        break;
      case 'remove':
        document = put(document, tokens, undefined, 'remove', op.path);
        break;
      default:
        throw badRequest(`unsupported JSON patch operation "${op.op}"`);
    }
  }
  return asObject(document);
}

const unprocessable = (message: string) => failure(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function lookup(document: unknown, tokens: string[], path: string): unknown {
  let node = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node) && token in node) node = node[token];
    else throw unprocessable(`path ${path} does not exist`);
  }
  return node;
}

function put(document: unknown, tokens: string[], value: unknown, op: 'add' | 'replace' | 'remove', path: string): unknown {
  if (tokens.length === 0) return value;
  const parent = lookup(document, tokens.slice(0, -1), path);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw unprocessable(`index ${last} out of range in ${path}`);
    if (op === 'add') parent.splice(index, 0, value);
    else if (index >= parent.length) throw unprocessable(`path ${path} does not exist`);
    else if (op === 'remove') parent.splice(index, 1);
    else parent[index] = value;
  } else if (isObject(parent)) {
    if (op !== 'add' && !(last in parent)) throw unprocessable(`path ${path} does not exist`);
    if (op === 'remove') delete parent[last];
    else parent[last] = value;
  } else {
    throw unprocessable(`path ${path} does not exist`);
  }
  return document;
}
