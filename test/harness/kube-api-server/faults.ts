import type { ResourceRequest } from './routes.js';
import type { Verb, WorkloadKind } from './types.js';

/** What a fault does to a request it matches. */
export type KubeFault =
  /** Answers with this status and a `Status` body (e.g. 500 InternalError, 503, 429, 410 Expired). */
  | { kind: 'status'; code: number; reason?: string; message?: string }
  /** Never answers (headers included): the client's own timeout must fire. */
  | { kind: 'hang' }
  /** Answers normally, this much later. */
  | { kind: 'delay'; ms: number }
  /** 200 headers and half a JSON body, then nothing: the client's deadline must cover the body too. */
  | { kind: 'stall-body' }
  /** Destroys the connection without an answer. */
  | { kind: 'reset' }
  /** 200 with an HTML body, as a confused proxy in front of the API server might. */
  | { kind: 'garbage' }
  /** 500 whose message repeats the request's Authorization header: for redaction tests. */
  | { kind: 'echo-credentials' };

/** Which requests a fault or a denial applies to; absent fields match anything. */
export interface RequestMatch {
  verbs?: Verb[];
  kind?: WorkloadKind;
  namespace?: string;
  name?: string;
}

export interface FaultRule {
  fault: KubeFault;
  match: RequestMatch;
  /** How many more requests it applies to; Infinity until cleared. */
  remaining: number;
}

export function matches(match: RequestMatch, request: ResourceRequest): boolean {
  return (
    (match.verbs === undefined || match.verbs.includes(request.verb)) &&
    (match.kind === undefined || match.kind === request.type.kind) &&
    (match.namespace === undefined || match.namespace === request.namespace) &&
    (match.name === undefined || match.name === request.name)
  );
}

/** The first rule that applies, used up by one. */
export function takeFault(rules: FaultRule[], request: ResourceRequest): KubeFault | undefined {
  const rule = rules.find((r) => r.remaining > 0 && matches(r.match, request));
  if (!rule) return undefined;
  rule.remaining -= 1;
  return rule.fault;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export const reasonFor = (code: number): string => REASONS[code] ?? 'Unknown';
