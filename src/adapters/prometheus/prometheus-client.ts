import axios from 'axios';
import type { MetricsSource, QueryResult, RangeStep } from '../../core/analysis/metrics-source.js';
import { MetricsQueryRejectedError, type MetricsErrorDetails } from '../../errors/metrics-errors.js';
import { evaluationTimes, toInstantResult, toRangeSteps } from './parse-response.js';
import { makeRedactor, secretsOf, splitCredentials } from './redact.js';
import { abortableSleep } from '../retry-timing.js';
import { sendWithRetry, type RetryPolicy, type Sleep } from './send-with-retry.js';

/** The slice of a pino logger the client uses. */
export interface PrometheusClientLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface PrometheusClientOptions {
  /** e.g. `http://prometheus:9090` or `https://user:pass@prom.example/prefix`. User-info becomes Basic auth. */
  baseUrl: string;
  /** Per HTTP attempt; also sent to Prometheus as its `timeout` parameter. */
  timeoutMs: number;
  /** Extra headers (e.g. `X-Scope-OrgID`). Values of auth/token/key-like headers are redacted from errors. */
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …`. Cannot be combined with credentials in `baseUrl`. */
  bearerToken?: string;
  /** Retries of transient failures after the first attempt (default 2). */
  maxRetries?: number;
  /** Backoff base (default 250 ms): retry n waits base·2ⁿ⁻¹ × [0.5, 1]. */
  retryBaseMs?: number;
  /** Longer waits (e.g. a big Retry-After) are not slept through; the error is thrown (default 10 s). */
  maxRetryDelayMs?: number;
  sleep?: Sleep;
  /** Uniform [0, 1) for the jitter (default Math.random). */
  random?: () => number;
  /** Clock for HTTP-date Retry-After headers (default Date.now). */
  now?: () => number;
  logger?: PrometheusClientLogger;
}

/** Answers bigger than this are refused: a template that selects a whole fleet is a bug. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Prometheus refuses range queries where (end − start) / step exceeds this (400 "exceeded maximum resolution"). */
const MAX_RANGE_POINTS = 11_000;

/** Prometheus reads `time`/`start`/`end` as float seconds and rounds to whole ms, so 3 decimals are exact. */
const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * A MetricsSource over the Prometheus HTTP API. Queries are POSTed form-encoded (as Argo Rollouts
 * does), so long PromQL never hits URL length limits. Redirects are not followed: credentials must
 * not be replayed to another host.
 */
export function createPrometheusClient(options: PrometheusClientOptions): MetricsSource {
  const { url, auth } = splitCredentials(options.baseUrl);
  if (auth && options.bearerToken) {
    throw new TypeError('Prometheus client: use either credentials in baseUrl or bearerToken, not both');
  }
  if (!(options.timeoutMs > 0)) throw new TypeError('Prometheus client: timeoutMs must be positive');
  const redact = makeRedactor(secretsOf({ auth, bearerToken: options.bearerToken, headers: options.headers }));
  const http = axios.create({
    baseURL: url,
    headers: {
      ...options.headers,
      Accept: 'application/json',
      ...(options.bearerToken ? { Authorization: `Bearer ${options.bearerToken}` } : {}),
    },
    ...(auth ? { auth } : {}),
    timeout: 0, // our own AbortController per attempt, see send-with-retry
    responseType: 'text',
    transformResponse: [(body: unknown) => body], // parse ourselves: non-JSON is an error to classify
    validateStatus: () => true,
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
  });
  const policy: RetryPolicy = {
    maxRetries: options.maxRetries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 250,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? abortableSleep,
  };
  const now = options.now ?? Date.now;
  const logger = options.logger;

  const send = (path: string, query: string, form: Record<string, string>, signal?: AbortSignal) =>
    sendWithRetry(
      {
        http,
        path,
        form: { query, ...form, timeout: `${Math.ceil(options.timeoutMs)}ms` },
        timeoutMs: options.timeoutMs,
        ctx: { endpoint: `${url}${path}`, query, redact, now },
        onRetry: ({ attempt, delayMs, error }) =>
          logger?.warn({ endpoint: `${url}${path}`, attempt, delayMs, code: error.code, err: error.message }, 'Prometheus query failed; retrying'),
      },
      policy,
      signal,
    );

  return {
    async instant(query: string, at: number, signal?: AbortSignal): Promise<QueryResult> {
      const details: MetricsErrorDetails = { endpoint: `${url}/api/v1/query`, query };
      requireTime(at, 'at', details);
      const answer = await send('/api/v1/query', query, { time: seconds(at) }, signal);
      return toInstantResult(answer.data, answer.warnings, details);
    },

    async range(query: string, start: number, end: number, stepMs: number, signal?: AbortSignal): Promise<RangeStep[]> {
      const details: MetricsErrorDetails = { endpoint: `${url}/api/v1/query_range`, query };
      requireTime(start, 'start', details);
      requireTime(end, 'end', details);
      if (!Number.isInteger(stepMs) || stepMs <= 0) {
        throw new MetricsQueryRejectedError(`Range query step must be a positive whole number of ms, got ${stepMs}`, details);
      }
      if (end < start) throw new MetricsQueryRejectedError(`Range query ends (${end}) before it starts (${start})`, details);
      if ((end - start) / stepMs > MAX_RANGE_POINTS) {
        throw new MetricsQueryRejectedError(`Range query asks for more than ${MAX_RANGE_POINTS} steps; use a larger step`, details);
      }
      // The step goes as a duration string: "0.3" seconds would reach Prometheus as 299.999999 ms.
      const form = { start: seconds(start), end: seconds(end), step: `${stepMs}ms` };
      const answer = await send('/api/v1/query_range', query, form, signal);
      return toRangeSteps(answer.data, answer.warnings, evaluationTimes(start, end, stepMs), details);
    },
  };
}

/** Whole, finite epoch ms: Prometheus rounds to ms, and the range grid is built in ms. */
function requireTime(value: number, name: string, details: MetricsErrorDetails): void {
  if (!Number.isInteger(value)) {
    throw new MetricsQueryRejectedError(`Query time ${name} must be whole epoch milliseconds, got ${value}`, details);
  }
}
