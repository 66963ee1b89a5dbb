import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../../src/adapters/prometheus/index.js';
import { MetricsResponseError } from '../../../src/errors/metrics-errors.js';
import { startBrokenPrometheus, type BrokenPrometheus } from '../../harness/broken-prometheus.js';

const AT = Date.UTC(2024, 0, 1, 0, 5, 0, 123);

let server: BrokenPrometheus;
beforeAll(async () => {
  server = await startBrokenPrometheus();
});
afterAll(() => server.stop());

const client = () => createPrometheusClient({ baseUrl: server.url, timeoutMs: 2_000, maxRetries: 0 });

describe('what the client sends', () => {
  it('POSTs a form to /api/v1/query with the time in seconds to the millisecond', async () => {
    server.respondWith({ kind: 'success' });
    await client().instant('sum(rate(http_requests_total{track="canary"}[1m]))', AT);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/query' });
    expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request?.params).toEqual({
      query: 'sum(rate(http_requests_total{track="canary"}[1m]))',
      time: '1704067500.123',
      timeout: '2000ms',
    });
  });

  it('POSTs start, end and the step as an exact duration to /api/v1/query_range', async () => {
    server.respondWith({ kind: 'empty' });
    await client().range('up', AT, AT + 900, 300);
    expect(server.requests[0]).toMatchObject({
      path: '/api/v1/query_range',
      params: { query: 'up', start: '1704067500.123', end: '1704067501.023', step: '300ms' },
    });
  });

  it('sends configured headers and the bearer token', async () => {
    server.respondWith({ kind: 'success' });
    await createPrometheusClient({ baseUrl: server.url, timeoutMs: 1_000, headers: { 'X-Scope-OrgID': 'team-a' }, bearerToken: 't0ken-abc' }).instant('up', AT);
    expect(server.requests[0]?.headers).toMatchObject({ 'x-scope-orgid': 'team-a', authorization: 'Bearer t0ken-abc' });
  });

  it('turns user-info in the base URL into Basic auth and keeps a path prefix', async () => {
    server.respondWith({ kind: 'status', status: 404, body: 'nope' });
    const url = server.url.replace('http://', 'http://ops:p%40ss@') + '/prom/';
    await createPrometheusClient({ baseUrl: url, timeoutMs: 1_000 }).instant('up', AT).catch(() => undefined);
    expect(server.requests[0]?.path).toBe('/prom/api/v1/query');
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('ops:p@ss').toString('base64')}`);
  });
});

describe('what the client returns', () => {
  it('returns an empty vector as no series (nodata), not as an error', async () => {
    server.respondWith({ kind: 'empty' });
    await expect(client().instant('up', AT)).resolves.toEqual({ series: [], warnings: [] });
  });

  it('keeps NaN and +Inf sample values as numbers', async () => {
    server.respondWith({ kind: 'nan' });
    const { series } = await client().instant('a / b', AT);
    expect(series).toEqual([
      { labels: { v: 'nan' }, value: Number.NaN },
      { labels: { v: 'inf' }, value: Number.POSITIVE_INFINITY },
    ]);
  });

  it('returns warnings alongside the data so the caller can treat it as partial', async () => {
    server.respondWith({ kind: 'warnings', warnings: ['remote store eu-1 did not answer'] });
    await expect(client().instant('up', AT)).resolves.toEqual({
      series: [{ labels: { job: 'fake' }, value: 1 }],
      warnings: ['remote store eu-1 did not answer'],
    });
  });

  it('returns a scalar as one series without labels', async () => {
    server.respondWith({ kind: 'success', data: { resultType: 'scalar', result: [1704067500.123, '-Inf'] } });
    await expect(client().instant('-1/0', AT)).resolves.toEqual({ series: [{ labels: {}, value: Number.NEGATIVE_INFINITY }], warnings: [] });
  });

  it('regroups a matrix into one entry per step, with empty entries where no series has a point', async () => {
    const t0 = 1704067200;
    server.respondWith({
      kind: 'success',
      warnings: ['partial'],
      data: {
        resultType: 'matrix',
        result: [
          { metric: { track: 'canary' }, values: [[t0, '1'], [t0 + 30, '3']] },
          { metric: { track: 'baseline' }, values: [[t0 + 30, 'NaN']] },
        ],
      },
    });
    const steps = await client().range('x', t0 * 1000, t0 * 1000 + 45_000, 15_000);
    expect(steps).toEqual([
      { at: t0 * 1000, series: [{ labels: { track: 'canary' }, value: 1 }], warnings: ['partial'] },
      { at: t0 * 1000 + 15_000, series: [], warnings: ['partial'] },
      {
        at: t0 * 1000 + 30_000,
        series: [
          { labels: { track: 'canary' }, value: 3 },
          { labels: { track: 'baseline' }, value: Number.NaN },
        ],
        warnings: ['partial'],
      },
      { at: t0 * 1000 + 45_000, series: [], warnings: ['partial'] },
    ]);
  });

  it('treats a point off the requested step grid as a bad response', async () => {
    server.respondWith({ kind: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1704067207, '1']] }] } });
    await expect(client().range('x', 1704067200_000, 1704067260_000, 15_000)).rejects.toBeInstanceOf(MetricsResponseError);
  });

  it('treats a sample value that is not a number as a bad response', async () => {
    server.respondWith({ kind: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] } });
    await expect(client().instant('x', AT)).rejects.toBeInstanceOf(MetricsResponseError);
  });
});
