import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient, type PrometheusClientLogger } from '../../../src/adapters/prometheus/index.js';
import { MetricsError } from '../../../src/errors/metrics-errors.js';
import { startBrokenPrometheus, type BrokenPrometheus } from '../../harness/broken-prometheus.js';
import { freePort } from '../../harness/free-port.js';

const AT = Date.UTC(2024, 0, 1, 0, 5, 0);
const PASSWORD = 'Pa55-w0rd-!xyz';
const TOKEN = 'tok_live_9f8e7d6c5b4a';
const API_KEY = 'key-0123456789abcdef';

let server: BrokenPrometheus;
beforeAll(async () => {
  server = await startBrokenPrometheus();
});
afterAll(() => server.stop());

/** Everything an error exposes: message, details, cause, stack, and its JSON form. */
function everything(error: unknown): string {
  const e = error as MetricsError & { cause?: unknown };
  return [e.message, e.stack, JSON.stringify(e), JSON.stringify(e.details), String(e.cause)].join('\n');
}

function expectNoSecrets(text: string): void {
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), TOKEN, API_KEY, Buffer.from(`ops:${PASSWORD}`).toString('base64')]) {
    expect(text).not.toContain(secret);
  }
}

const urlWithPassword = () => server.url.replace('http://', `http://ops:${encodeURIComponent(PASSWORD)}@`);

describe('credentials never appear in errors', () => {
  it('redacts basic-auth credentials from the base URL even when Prometheus echoes them', async () => {
    server.respondWith({ kind: 'echo_credentials' });
    const error = await createPrometheusClient({ baseUrl: urlWithPassword(), timeoutMs: 1_000 }).instant('up', AT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsError);
    // The server really got the password, and really put it in its error text.
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`);
    expect((error as Error).message).toContain('[REDACTED]');
    expectNoSecrets(everything(error));
  });

  it('redacts the bearer token and sensitive headers even when Prometheus echoes them', async () => {
    server.respondWith({ kind: 'echo_credentials' });
    const client = createPrometheusClient({ baseUrl: server.url, timeoutMs: 1_000, bearerToken: TOKEN, headers: { 'X-Api-Key': API_KEY } });
    const error = await client.instant('up', AT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsError);
    expect((error as Error).message).toContain('denied');
    expectNoSecrets(everything(error));
  });

  it('redacts credentials from network errors, whose messages name the host', async () => {
    const closed = await freePort();
    const client = createPrometheusClient({ baseUrl: `http://ops:${PASSWORD}@127.0.0.1:${closed}`, timeoutMs: 1_000, maxRetries: 0 });
    const error = await client.instant('up', AT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsError);
    expect((error as MetricsError).details.endpoint).toBe(`http://127.0.0.1:${closed}/api/v1/query`);
    expectNoSecrets(everything(error));
  });

  it('redacts credentials from non-JSON error pages and from retry log lines', async () => {
    server.respondWith({ kind: 'status', status: 502, body: `<h1>Bad Gateway</h1> upstream ${urlWithPassword()} password ${PASSWORD}` });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger: PrometheusClientLogger = pino({ level: 'warn' }, sink);
    const client = createPrometheusClient({
      baseUrl: urlWithPassword(),
      timeoutMs: 1_000,
      maxRetries: 1,
      sleep: async () => undefined,
      logger,
    });
    const error = await client.instant('up', AT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricsError);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('retrying');
    expectNoSecrets(everything(error) + lines.join('\n'));
  });

  it('refuses to combine URL credentials with a bearer token', () => {
    expect(() => createPrometheusClient({ baseUrl: 'http://a:b@prom:9090', timeoutMs: 1_000, bearerToken: TOKEN })).toThrow(/not both/);
  });
});
