import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPrometheusClient, type PrometheusClientOptions } from '../../../src/adapters/prometheus/index.js';
import {
  MetricsQueryRejectedError,
  MetricsResponseError,
  MetricsUnavailableError,
} from '../../../src/errors/metrics-errors.js';
import { startBrokenPrometheus, type BrokenPrometheus } from '../../harness/broken-prometheus.js';
import { freePort } from '../../harness/free-port.js';

const AT = Date.UTC(2024, 0, 1, 0, 5, 0, 123);

let server: BrokenPrometheus;
let sleeps: number[];

beforeAll(async () => {
  server = await startBrokenPrometheus();
});
afterAll(() => server.stop());
beforeEach(() => {
  sleeps = [];
});

/** A client whose sleeps are recorded, not waited, and whose jitter is fixed at its maximum. */
function client(overrides: Partial<PrometheusClientOptions> = {}) {
  return createPrometheusClient({
    baseUrl: server.url,
    timeoutMs: 2_000,
    maxRetries: 2,
    retryBaseMs: 100,
    random: () => 1,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected a rejection, got ${String(error)}`);
  return error;
}

describe('query errors (the template is wrong)', () => {
  it('maps 400 bad_data to MetricsQueryRejectedError with Prometheus’ text, without retrying', async () => {
    server.respondWith({ kind: 'bad_data' });
    const error = await failure(client().instant('sum(', AT));
    expect(error).toBeInstanceOf(MetricsQueryRejectedError);
    expect(error).toMatchObject({ code: 'METRICS_QUERY_INVALID', retryable: false, details: { status: 400, errorType: 'bad_data', attempts: 1, query: 'sum(' } });
    expect(error.message).toContain('bad_data');
    expect(error.message).toContain('parse error: unclosed left parenthesis');
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('maps 422 execution to MetricsQueryRejectedError without retrying', async () => {
    server.respondWith({ kind: 'execution' });
    const error = await failure(client().range('x', AT, AT + 60_000, 15_000));
    expect(error).toBeInstanceOf(MetricsQueryRejectedError);
    expect(error.message).toMatch(/422 execution.*invalid regular expression/);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects an instant query that returns a range vector or a string as a template error', async () => {
    server.respondWith(
      { kind: 'success', data: { resultType: 'matrix', result: [] } },
      { kind: 'success', data: { resultType: 'string', result: [1, 'hello'] } },
    );
    expect(await failure(client().instant('x[5m]', AT))).toBeInstanceOf(MetricsQueryRejectedError);
    expect(await failure(client().instant('"hello"', AT))).toBeInstanceOf(MetricsQueryRejectedError);
  });

  it('rejects fractional times, bad steps and over-long ranges before sending anything', async () => {
    server.respondWith({ kind: 'success' });
    expect(await failure(client().instant('x', AT + 0.5))).toBeInstanceOf(MetricsQueryRejectedError);
    expect(await failure(client().range('x', AT, AT + 1, 0))).toBeInstanceOf(MetricsQueryRejectedError);
    expect(await failure(client().range('x', AT + 1, AT, 1_000))).toBeInstanceOf(MetricsQueryRejectedError);
    expect(await failure(client().range('x', AT, AT + 365 * 86_400_000, 1))).toBeInstanceOf(MetricsQueryRejectedError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('transient failures (retry, bounded)', () => {
  it('retries 503 unavailable maxRetries times with growing jittered backoff, then throws MetricsUnavailableError', async () => {
    server.respondWith({ kind: 'unavailable' });
    const error = await failure(client().instant('up', AT));
    expect(error).toBeInstanceOf(MetricsUnavailableError);
    expect(error).toMatchObject({ code: 'METRICS_UNAVAILABLE', retryable: true, details: { status: 503, errorType: 'unavailable', attempts: 3 } });
    expect(error.message).toContain('TSDB not ready');
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]); // random() = 1: the top of [base·2ⁿ⁻¹/2, base·2ⁿ⁻¹]
  });

  it('spreads the backoff with the injected randomness', async () => {
    server.respondWith({ kind: 'unavailable', errorType: 'timeout' });
    await failure(client({ random: () => 0 }).instant('up', AT));
    expect(sleeps).toEqual([50, 100]);
  });

  it('returns the answer when a retry succeeds', async () => {
    server.respondWith({ kind: 'unavailable' }, { kind: 'status', status: 502, body: '<html>Bad Gateway</html>' }, { kind: 'success' });
    const result = await client().instant('up', AT);
    expect(result.series).toEqual([{ labels: { job: 'fake' }, value: 1 }]);
    expect(server.requests).toHaveLength(3);
  });

  it('makes a single attempt when maxRetries is 0', async () => {
    server.respondWith({ kind: 'unavailable' });
    await failure(client({ maxRetries: 0 }).instant('up', AT));
    expect(server.requests).toHaveLength(1);
  });

  it('honours 429 Retry-After in seconds: waits at least that long and reports it', async () => {
    server.respondWith({ kind: 'rate_limited', retryAfter: '2' });
    const error = await failure(client().instant('up', AT));
    expect(error).toBeInstanceOf(MetricsUnavailableError);
    expect(error).toMatchObject({ retryable: true, details: { status: 429, retryAfterMs: 2_000, attempts: 3 } });
    expect(sleeps).toEqual([2_000, 2_000]);
  });

  it('honours an HTTP-date Retry-After against the injected clock', async () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    server.respondWith({ kind: 'rate_limited', retryAfter: new Date(now + 3_000).toUTCString() }, { kind: 'success' });
    await client({ now: () => now }).instant('up', AT);
    expect(sleeps).toEqual([3_000]);
  });

  it('does not sleep through a Retry-After longer than maxRetryDelayMs: throws at once with retryAfterMs', async () => {
    server.respondWith({ kind: 'rate_limited', retryAfter: '120' });
    const error = await failure(client({ maxRetryDelayMs: 10_000 }).instant('up', AT));
    expect(error).toMatchObject({ details: { retryAfterMs: 120_000, attempts: 1 } });
    expect(sleeps).toEqual([]);
  });

  it('maps a non-JSON 200 to a retryable MetricsResponseError', async () => {
    server.respondWith({ kind: 'not_json' });
    const error = await failure(client().instant('up', AT));
    expect(error).toBeInstanceOf(MetricsResponseError);
    expect(error).toMatchObject({ code: 'METRICS_BAD_RESPONSE', retryable: true });
    expect(error.message).toMatch(/not JSON \(text\/html\).*Welcome to nginx/);
    expect(server.requests).toHaveLength(3);
  });

  it('maps JSON of the wrong shape to MetricsResponseError naming the bad field', async () => {
    server.respondWith({ kind: 'wrong_shape' });
    const error = await failure(client({ maxRetries: 0 }).instant('up', AT));
    expect(error).toBeInstanceOf(MetricsResponseError);
    expect(error.message).toContain('data.result.0.value');
  });

  it('maps a closed connection to a retryable MetricsUnavailableError', async () => {
    server.respondWith({ kind: 'reset' }, { kind: 'success' });
    await expect(client().instant('up', AT)).resolves.toMatchObject({ series: [{ value: 1 }] });
    expect(server.requests).toHaveLength(2);
  });

  it('maps connection refused to MetricsUnavailableError with the network code', async () => {
    const closed = await freePort();
    const error = await failure(client({ baseUrl: `http://127.0.0.1:${closed}`, maxRetries: 1 }).instant('up', AT));
    expect(error).toBeInstanceOf(MetricsUnavailableError);
    expect(error).toMatchObject({ retryable: true, details: { networkCode: 'ECONNREFUSED', attempts: 2 } });
  });

  it('does not retry 401/403/404: waiting will not fix credentials or a wrong URL', async () => {
    server.respondWith({ kind: 'status', status: 401, body: 'Unauthorized' });
    const error = await failure(client().instant('up', AT));
    expect(error).toBeInstanceOf(MetricsUnavailableError);
    expect(error).toMatchObject({ retryable: false, details: { status: 401 } });
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts and cancellation', () => {
  it('aborts an attempt after timeoutMs and reports MetricsUnavailableError with the timeout', async () => {
    server.respondWith({ kind: 'slow', delayMs: 5_000 });
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 200, maxRetries: 1 }).instant('up', AT));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(MetricsUnavailableError);
    expect(error).toMatchObject({ retryable: true, details: { timeoutMs: 200, attempts: 2 } });
    expect(error.message).toContain('did not answer within 200 ms');
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(2);
  });

  it('passes the timeout to Prometheus as its own query timeout', async () => {
    server.respondWith({ kind: 'success' });
    await client({ timeoutMs: 1_500 }).instant('up', AT);
    expect(server.requests[0]?.params['timeout']).toBe('1500ms');
  });

  it("rejects with the caller's abort reason and does not retry", async () => {
    server.respondWith({ kind: 'slow', delayMs: 5_000 });
    const controller = new AbortController();
    const reason = new Error('analysis cancelled');
    setTimeout(() => controller.abort(reason), 100);
    await expect(client({ timeoutMs: 3_000 }).instant('up', AT, controller.signal)).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not send anything when the signal is already aborted', async () => {
    server.respondWith({ kind: 'success' });
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(client().instant('up', AT, controller.signal)).rejects.toThrow('gone');
    expect(server.requests).toHaveLength(0);
  });
});
