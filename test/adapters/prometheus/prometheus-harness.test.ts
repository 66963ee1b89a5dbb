import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../../src/adapters/prometheus/index.js';
import { MetricsUnavailableError } from '../../../src/errors/metrics-errors.js';
import { freePort } from '../../harness/free-port.js';
import { counterSeries, renderOpenMetrics } from '../../harness/openmetrics.js';
import { startPrometheus, type RunningPrometheus } from '../../harness/prometheus.js';

describe('the Prometheus test harness', () => {
  let workload: Server;
  let target: string;
  const register = new Registry();
  const served = new Counter({ name: 'wavegate_harness_requests_total', help: 'requests', labelNames: ['track'], registers: [register] });

  beforeAll(async () => {
    served.inc({ track: 'canary' }, 42);
    workload = createServer((_req, res) => {
      void register.metrics().then((text) => res.writeHead(200, { 'Content-Type': register.contentType }).end(text));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => workload.listen(port, '127.0.0.1', resolve));
    target = `127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => workload.close(() => resolve())));

  it('scrapes a prom-client workload on 127.0.0.1 and resolves once the first scrape is queryable', async () => {
    const prometheus = await startPrometheus({ scrapeTargets: [target], scrapeInterval: '1s' });
    try {
      const client = createPrometheusClient({ baseUrl: prometheus.url, timeoutMs: 2_000 });
      const { series } = await client.instant('wavegate_harness_requests_total{track="canary"}', Date.now());
      expect(series).toEqual([{ labels: expect.objectContaining({ job: 'targets', instance: target, track: 'canary' }), value: 42 }]);
    } finally {
      await prometheus.stop();
    }
  }, 40_000);

  it('reports unreachable scrape targets instead of waiting forever', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    await expect(startPrometheus({ scrapeTargets: [nobody], readyTimeoutMs: 8_000 })).rejects.toThrow(/did not scrape all 1 targets.*connection refused/);
  }, 40_000);

  it('stops Prometheus and removes its temp dir', async () => {
    const om = renderOpenMetrics([counterSeries('x_total', {}, [{ t: Date.UTC(2024, 0, 1), value: 1 }])]);
    const prometheus = await startPrometheus({ openmetrics: om });
    const client = createPrometheusClient({ baseUrl: prometheus.url, timeoutMs: 1_000, maxRetries: 0 });
    await expect(client.instant('x_total', Date.UTC(2024, 0, 1))).resolves.toMatchObject({ series: [{ value: 1 }] });
    await prometheus.stop();
    await prometheus.stop(); // idempotent
    expect(existsSync(prometheus.dir)).toBe(false);
    await expect(client.instant('x_total', Date.UTC(2024, 0, 1))).rejects.toBeInstanceOf(MetricsUnavailableError);
  }, 40_000);

  it('fails loudly, naming npm run test:deps, when the binaries are missing', async () => {
    await expect(startPrometheus({ binDirs: ['/nonexistent'] })).rejects.toThrow(/'prometheus' is not installed.*npm run test:deps/s);
  });

  it('reports what promtool rejected in the backfill', async () => {
    await expect(startPrometheus({ openmetrics: 'not openmetrics at all\n' })).rejects.toThrow(/promtool backfill failed/);
  });
});
