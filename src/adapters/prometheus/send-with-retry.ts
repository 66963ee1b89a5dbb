import type { AxiosInstance } from 'axios';
import { MetricsError } from '../../errors/metrics-errors.js';
import { interpretAnswer, transportFailure, type ExchangeContext, type Success } from './classify-error.js';
import { equalJitter } from '../retry-timing.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Retries after the first attempt; only retryable MetricsErrors are retried. */
  maxRetries: number;
  /** Backoff before retry n is in [base·2ⁿ⁻¹/2, base·2ⁿ⁻¹] ("equal jitter"). */
  retryBaseMs: number;
  /** A wait longer than this (e.g. a long Retry-After) is not slept through: the error is thrown. */
  maxRetryDelayMs: number;
  random: () => number;
  sleep: Sleep;
}

export interface Exchange {
  http: AxiosInstance;
  path: string;
  form: Record<string, string>;
  /** Per attempt, covering connect, the server's work and reading the body. */
  timeoutMs: number;
  ctx: Omit<ExchangeContext, 'attempt'>;
  onRetry?: (info: { attempt: number; delayMs: number; error: MetricsError }) => void;
}

/** Delay before retry `retry` (1-based). Half fixed so retries spread out, half random so clients do not sync. */
export function backoffDelay(retry: number, baseMs: number, random: () => number): number {
  return equalJitter(baseMs * 2 ** (retry - 1), random);
}

export async function sendWithRetry(exchange: Exchange, policy: RetryPolicy, signal?: AbortSignal): Promise<Success> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await sendOnce(exchange, { ...exchange.ctx, attempt }, signal);
    } catch (error) {
      if (!(error instanceof MetricsError) || !error.retryable || attempt > policy.maxRetries) throw error;
      const delayMs = Math.max(backoffDelay(attempt, policy.retryBaseMs, policy.random), error.details.retryAfterMs ?? 0);
      if (delayMs > policy.maxRetryDelayMs) throw error;
      exchange.onRetry?.({ attempt, delayMs, error });
      await policy.sleep(delayMs, signal);
    }
  }
}

async function sendOnce(exchange: Exchange, ctx: ExchangeContext, signal?: AbortSignal): Promise<Success> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, exchange.timeoutMs);
  timer.unref();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await exchange.http.post<string>(exchange.path, new URLSearchParams(exchange.form), {
      signal: controller.signal,
    });
    const header = (name: string) => {
      const value: unknown = response.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    return interpretAnswer(
      { status: response.status, contentType: header('content-type'), retryAfter: header('retry-after'), body: String(response.data ?? '') },
      ctx,
    );
  } catch (error) {
    if (error instanceof MetricsError) throw error;
    if (signal?.aborted) throw signal.reason;
    throw transportFailure(error, ctx, timedOut ? exchange.timeoutMs : undefined);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
