import { ApiException, FetchError } from '@kubernetes/client-node';
import {
  KubeBadResponseError,
  KubeError,
  KubeForbiddenError,
  KubeUnavailableError,
  type KubeErrorDetails,
} from '../../errors/kube-errors.js';
import type { Redact } from './redact.js';

/** What a failed call was doing; every message names it. */
export interface CallContext {
  details: KubeErrorDetails;
  redact: Redact;
  timeoutMs: number;
}

/** `cluster eu-1: get Deployment payments/api` */
export function describeCall(d: KubeErrorDetails): string {
  const target = d.kind ? ` ${d.kind} ${d.namespace}/${d.name}` : '';
  return `Kubernetes cluster ${d.cluster}: ${d.operation ?? 'call'}${target}`;
}

/** The `reason` and `message` of a `metav1.Status` body, when the body is one. */
export function statusOfBody(body: unknown): { reason?: string; message?: string; code?: number; name?: string } {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return {};
    }
  }
  if (!parsed || typeof parsed !== 'object') return {};
  const s = parsed as { kind?: unknown; reason?: unknown; message?: unknown; code?: unknown; details?: { name?: unknown } };
  if (s.kind !== 'Status') return {};
  return {
    ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
    ...(typeof s.message === 'string' ? { message: s.message } : {}),
    ...(typeof s.code === 'number' ? { code: s.code } : {}),
    ...(typeof s.details?.name === 'string' ? { name: s.details.name } : {}),
  };
}

/**
 * Turns whatever @kubernetes/client-node threw into a typed error. Only redacted text is kept: the
 * original error is not attached as `cause`, because `ApiException`'s message embeds the response
 * body and headers verbatim.
 */
export function classifyError(error: unknown, ctx: CallContext & { timedOut: boolean }): KubeError {
  if (error instanceof KubeError) return error;
  const prefix = describeCall(ctx.details);
  if (ctx.timedOut) {
    return new KubeUnavailableError(`${prefix}: no answer within ${ctx.timeoutMs} ms`, { ...ctx.details, timeoutMs: ctx.timeoutMs });
  }
  const status = httpStatusOf(error);
  if (status !== undefined) return fromStatus(status, error, ctx);
  if (error instanceof FetchError || isNetworkError(error)) {
    const code = (error as { code?: unknown }).code;
    const details = { ...ctx.details, ...(typeof code === 'string' ? { networkCode: code } : {}) };
    return new KubeUnavailableError(`${prefix}: ${ctx.redact((error as Error).message)}`, details);
  }
  // The generated client's parse errors: a body that is not JSON, or no Content-Type at all.
  const message = error instanceof Error ? error.message : String(error);
  return new KubeBadResponseError(`${prefix}: the answer could not be read: ${ctx.redact(message)}`, ctx.details, { retryable: true });
}

function fromStatus(status: number, error: unknown, ctx: CallContext): KubeError {
  const body = statusOfBody((error as { body?: unknown }).body);
  const details: KubeErrorDetails = { ...ctx.details, status, ...(body.reason ? { reason: body.reason } : {}) };
  const said = body.message ? `: ${ctx.redact(body.message)}` : '';
  const text = `${describeCall(ctx.details)}: ${status}${body.reason ? ` ${body.reason}` : ''}${said}`;
  if (status === 401 || status === 403) return new KubeForbiddenError(text, details);
  if (status === 429 || status >= 500 || status === 410) return new KubeUnavailableError(text, details);
  return new KubeBadResponseError(text, details, { retryable: false });
}

/** `ApiException.code`, or the `statusCode` the Watch puts on its errors. */
function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
