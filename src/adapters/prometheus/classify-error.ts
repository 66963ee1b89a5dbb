import {
  MetricsQueryRejectedError,
  MetricsResponseError,
  MetricsUnavailableError,
  type MetricsError,
  type MetricsErrorDetails,
} from '../../errors/metrics-errors.js';
import { successEnvelope, type ResultData } from './parse-response.js';
import type { Redact } from './redact.js';

/**
 * Maps one HTTP exchange with Prometheus to data or to a typed error, following the API's contract:
 * 400 `bad_data` / 422 `execution` are the query's fault; 503 (`timeout`, `unavailable`), 429, other
 * 5xx and transport failures are transient; anything unparseable is a bad response.
 */

export interface ExchangeContext {
  endpoint: string;
  query: string;
  attempt: number;
  redact: Redact;
  now: () => number;
}

export interface Answer {
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  body: string;
}

export interface Success {
  data: ResultData;
  warnings: string[];
}

const MAX_TEXT = 500;

export function interpretAnswer(answer: Answer, ctx: ExchangeContext): Success {
  const json = parseJson(answer.body);
  const errorType = typeof json?.['errorType'] === 'string' ? json['errorType'] : undefined;
  const errorText = typeof json?.['error'] === 'string' ? json['error'] : undefined;
  const details = detailsOf(ctx, { status: answer.status, errorType });
  const ok = answer.status >= 200 && answer.status < 300;

  if (ok && json?.['status'] === 'success') {
    const parsed = successEnvelope.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
      throw new MetricsResponseError(`Prometheus answered ${answer.status} with an unexpected shape (${where})`, details);
    }
    return { data: parsed.data.data, warnings: parsed.data.warnings ?? [] };
  }
  if (ok && json?.['status'] !== 'error') {
    const what = json ? 'JSON without a success or error status' : `a body that is not JSON (${answer.contentType ?? 'no content type'})`;
    throw new MetricsResponseError(`Prometheus answered ${answer.status} with ${what}: ${snippet(answer.body, ctx)}`, details);
  }
  const reason = errorText ?? snippet(answer.body, ctx);
  // Redact before truncating: a cut could otherwise leave half a secret behind.
  throw classifyFailure(answer, errorType, ctx.redact(reason).slice(0, MAX_TEXT), details, ctx);
}

function classifyFailure(answer: Answer, errorType: string | undefined, reason: string, details: MetricsErrorDetails, ctx: ExchangeContext): MetricsError {
  const { status } = answer;
  const label = `${status}${errorType ? ` ${errorType}` : ''}`;
  if (errorType === 'bad_data' || errorType === 'execution' || status === 400 || status === 422) {
    return new MetricsQueryRejectedError(`Prometheus rejected the query (${label}): ${reason}`, details);
  }
  const retryAfterMs = parseRetryAfter(answer.retryAfter, ctx.now());
  const withRetry = retryAfterMs === undefined ? details : { ...details, retryAfterMs };
  if (status === 429) {
    const wait = retryAfterMs === undefined ? '' : `; retry after ${retryAfterMs} ms`;
    return new MetricsUnavailableError(`Prometheus is rate limiting queries (${label})${wait}: ${reason}`, withRetry);
  }
  if (status >= 500 || errorType === 'timeout' || errorType === 'unavailable' || errorType === 'canceled') {
    return new MetricsUnavailableError(`Prometheus could not answer (${label}): ${reason}`, withRetry);
  }
  // 401/403/404/… — misconfiguration: waiting will not change the answer.
  return new MetricsUnavailableError(`Prometheus refused the request (${label}): ${reason}`, details, { retryable: false });
}

/** A failure before any HTTP answer: connection refused/reset, DNS, TLS, our own timeout. */
export function transportFailure(error: unknown, ctx: ExchangeContext, timeoutMs: number | undefined): MetricsError {
  if (timeoutMs !== undefined) {
    return new MetricsUnavailableError(`Prometheus did not answer within ${timeoutMs} ms`, { ...detailsOf(ctx, {}), timeoutMs });
  }
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = ctx.redact(error instanceof Error ? error.message : String(error));
  const details = detailsOf(ctx, code ? { networkCode: code } : {});
  if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || /maxContentLength/.test(message)) {
    return new MetricsResponseError(`Prometheus' answer could not be read: ${message}`, details);
  }
  return new MetricsUnavailableError(`Prometheus request failed: ${message}`, details);
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function detailsOf(ctx: ExchangeContext, extra: MetricsErrorDetails): MetricsErrorDetails {
  const details: MetricsErrorDetails = { endpoint: ctx.endpoint, query: ctx.query, attempts: ctx.attempt };
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) (details as Record<string, unknown>)[key] = value;
  }
  return details;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function snippet(body: string, ctx: ExchangeContext): string {
  const flat = ctx.redact(body.replace(/\s+/g, ' ').trim());
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || '(empty)';
}
