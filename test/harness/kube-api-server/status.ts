import type { ResourceType } from './types.js';

/**
 * `metav1.Status`, the body of every API server failure, with the messages and reasons a real
 * kube-apiserver uses (clients match on `reason` and `code`, people read `message`).
 */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

/** A failure to answer with: thrown inside the server, turned into a response once. */
export class StatusError extends Error {
  constructor(readonly body: KubeStatus) {
    super(body.message);
  }
}

export function failure(code: number, reason: string, message: string, details?: KubeStatus['details']): StatusError {
  const body: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  return new StatusError(details ? { ...body, details } : body);
}

const qualified = (type: ResourceType) => `${type.plural}.${type.group}`;

export const notFound = (type: ResourceType, name: string) =>
  failure(404, 'NotFound', `${qualified(type)} "${name}" not found`, { name, group: type.group, kind: type.plural });

/** What a real server answers for a path it does not serve (e.g. a CRD that is not installed). */
export const pathNotFound = () => failure(404, 'NotFound', 'the server could not find the requested resource', {});

export const alreadyExists = (type: ResourceType, name: string) =>
  failure(409, 'AlreadyExists', `${qualified(type)} "${name}" already exists`, { name, group: type.group, kind: type.plural });

export const conflict = (type: ResourceType, name: string) =>
  failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: type.group, kind: type.plural },
  );

export const expired = (requested: number, oldest: number) =>
  failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

export const unauthorized = () => failure(401, 'Unauthorized', 'Unauthorized');

export const forbidden = (user: string, verb: string, type: ResourceType, namespace: string | undefined, name?: string) =>
  failure(
    403,
    'Forbidden',
    `${qualified(type)}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${type.plural}" in API group "${type.group}"${
      namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'
    }`,
    { ...(name ? { name } : {}), group: type.group, kind: type.plural },
  );

export const badRequest = (message: string) => failure(400, 'BadRequest', message);

export const invalid = (type: ResourceType, name: string, message: string) =>
  failure(422, 'Invalid', `${type.kind}.${type.group} "${name}" is invalid: ${message}`, { name, group: type.group, kind: type.kind });

export const unsupportedMediaType = (contentType: string) =>
  failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`);

export const methodNotAllowed = (method: string) => failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);

export const tooLarge = () => failure(413, 'RequestEntityTooLarge', 'the request body is too large');

export const internalError = (message: string) => failure(500, 'InternalError', `Internal error occurred: ${message}`);

export const tooLargeResourceVersion = (requested: number, current: number) =>
  failure(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`);
