import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { WavegateError } from '../errors/wavegate-error.js';

/**
 * The one place where error codes become HTTP statuses. Anything a caller sent that is wrong is a 4xx
 * naming the field; a 5xx is only ever our own fault or an unavailable dependency.
 */
const STATUS_BY_CODE: Record<string, number> = {
  REQUEST_INVALID: 400,
  REQUEST_MALFORMED: 400,
  TEMPLATE_INVALID: 400,
  TEMPLATE_NOT_FOUND: 400,
  ARGUMENT_INVALID: 400,
  SCOPE_INVALID: 400,
  UNAUTHORIZED: 401,
  ANALYSIS_NOT_FOUND: 404,
  ANALYSIS_CONFLICT: 409,
  METRICS_QUERY_INVALID: 422,
  ANALYSIS_CURSOR_INVALID: 400,
  PLAN_INVALID: 400,
  ROLLOUT_NOT_FOUND: 404,
  ROLLOUT_APP_BUSY: 409,
  ROLLOUT_EXISTS: 409,
  ROLLOUT_CONFLICT: 409,
  ROLLOUT_COMMAND_REFUSED: 409,
  ROLLOUTS_NOT_CONFIGURED: 503,
  KUBE_UNAVAILABLE: 503,
  KUBE_BAD_RESPONSE: 502,
  KUBE_FORBIDDEN: 503,
  KUBE_CLUSTER_UNKNOWN: 503,
  GIT_UNAVAILABLE: 503,
  GIT_REPO_UNKNOWN: 400,
  GIT_BRANCH_UNKNOWN: 400,
  GIT_EDIT_INVALID: 400,
  GIT_CONFLICT: 409,
  GIT_PUSH_REJECTED: 409,
  GIT_AUTH_FAILED: 503,
  METRICS_UNAVAILABLE: 503,
  METRICS_BAD_RESPONSE: 502,
  STORE_UNAVAILABLE: 503,
};

export interface ErrorBody {
  code: string;
  message: string;
  requestId: string;
  field?: string;
}

export function statusOf(err: WavegateError): number {
  return STATUS_BY_CODE[err.code] ?? 500;
}

/** Turns zod issues into one 400 naming the first bad field (all of them in `details`). */
export function zodToBody(err: ZodError, requestId: string, prefix = ''): ErrorBody & { details: unknown } {
  const issues = err.issues.map((i) => ({ field: prefix + i.path.join('.'), reason: i.message }));
  const first = issues[0] ?? { field: prefix || 'body', reason: 'invalid' };
  return { code: 'REQUEST_INVALID', message: `${first.field || 'body'}: ${first.reason}`, requestId, field: first.field, details: issues };
}

export function installErrorHandler(app: FastifyInstance, countError: (code: string) => void): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const requestId = String(request.id);
    if (error instanceof WavegateError) {
      const status = statusOf(error);
      countError(error.code);
      const field = typeof error.details.field === 'string' ? { field: error.details.field } : {};
      if (status >= 500) request.log.warn({ err: error }, 'request failed');
      return reply.status(status).send({ code: error.code, message: error.message, requestId, ...field, details: error.details });
    }
    if (error instanceof ZodError) {
      countError('REQUEST_INVALID');
      return reply.status(400).send(zodToBody(error, requestId));
    }
    const fe = error as FastifyError;
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Fastify's own rejections: unparsable JSON, body too large, unsupported media type.
      const code = fe.statusCode === 413 ? 'REQUEST_TOO_LARGE' : fe.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'REQUEST_MALFORMED';
      countError(code);
      return reply.status(fe.statusCode).send({ code, message: fe.message, requestId });
    }
    countError('INTERNAL');
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send({ code: 'INTERNAL', message: 'internal error; see the service log for this requestId', requestId });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, requestId: String(request.id) });
  });
}
