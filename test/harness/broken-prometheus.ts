import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from './free-port.js';

/**
 * A fake Prometheus API on a free 127.0.0.1 port that answers `/api/v1/query` and
 * `/api/v1/query_range` with programmable faults, in the real server's wire format, and records
 * every request. Faults are served in order; the last one repeats.
 */

export type Fault =
  /** 200 with this `data` (default: one vector sample `{job="fake"} 1`, or a matrix for range queries). */
  | { kind: 'success'; data?: unknown; warnings?: string[] }
  /** 200, a vector sample and these warnings (partial data). */
  | { kind: 'warnings'; warnings: string[] }
  /** 200, empty vector (instant) or empty matrix (range). */
  | { kind: 'empty' }
  /** 200, one sample whose value is "NaN" (and one "+Inf"). */
  | { kind: 'nan' }
  | { kind: 'bad_data'; error?: string }
  | { kind: 'execution'; error?: string }
  /** 503 with errorType unavailable (or timeout), optional Retry-After. */
  | { kind: 'unavailable'; errorType?: 'unavailable' | 'timeout'; retryAfter?: string }
  | { kind: 'rate_limited'; retryAfter?: string }
  /** Any status with a raw body, e.g. 502 from a proxy or 401. */
  | { kind: 'status'; status: number; body: string; contentType?: string }
  /** Waits before answering with `then` (default success); the client should time out first. */
  | { kind: 'slow'; delayMs: number; then?: Fault }
  /** 200 text/html. */
  | { kind: 'not_json' }
  /** 200 JSON that is not the API's shape. */
  | { kind: 'wrong_shape' }
  /** Closes the connection without an answer. */
  | { kind: 'reset' }
  /** 400 bad_data whose error text echoes the Authorization header and URL — for redaction tests. */
  | { kind: 'echo_credentials' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The decoded form (or query string) parameters. */
  params: Record<string, string>;
  at: number;
}

export interface BrokenPrometheus {
  url: string;
  requests: RecordedRequest[];
  /** Replace the faults to serve (in order, the last repeats) and clear recorded requests. */
  respondWith(...faults: Fault[]): void;
  stop(): Promise<void>;
}

export async function startBrokenPrometheus(...initial: Fault[]): Promise<BrokenPrometheus> {
  let faults: Fault[] = initial.length ? initial : [{ kind: 'success' }];
  let served = 0;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = Object.fromEntries(new URLSearchParams(req.method === 'POST' ? body : url.search));
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, params, at: Date.now() });
    if (url.pathname !== '/api/v1/query' && url.pathname !== '/api/v1/query_range') {
      return send(res, 404, 'text/plain', '404 page not found');
    }
    const fault = faults[Math.min(served++, faults.length - 1)] ?? { kind: 'success' };
    serve(fault, { req, res, range: url.pathname.endsWith('_range'), params, timers });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(...next) {
      faults = next;
      served = 0;
      requests.length = 0;
    },
    stop() {
      timers.forEach(clearTimeout);
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  range: boolean;
  params: Record<string, string>;
  timers: Set<NodeJS.Timeout>;
}

function serve(fault: Fault, ex: Exchange): void {
  const { res, range } = ex;
  const t = Number(ex.params['time'] ?? ex.params['start'] ?? 0);
  const sample = (value: string, labels: Record<string, string> = { job: 'fake' }) =>
    range ? { metric: labels, values: [[t, value]] } : { metric: labels, value: [t, value] };
  const resultType = range ? 'matrix' : 'vector';
  switch (fault.kind) {
    case 'success':
      return json(res, 200, { status: 'success', data: fault.data ?? { resultType, result: [sample('1')] }, ...(fault.warnings ? { warnings: fault.warnings } : {}) });
    case 'warnings':
      return json(res, 200, { status: 'success', data: { resultType, result: [sample('1')] }, warnings: fault.warnings });
    case 'empty':
      return json(res, 200, { status: 'success', data: { resultType, result: [] } });
    case 'nan':
      return json(res, 200, { status: 'success', data: { resultType, result: [sample('NaN', { v: 'nan' }), sample('+Inf', { v: 'inf' })] } });
    case 'bad_data':
      return json(res, 400, { status: 'error', errorType: 'bad_data', error: fault.error ?? 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis' });
    case 'execution':
      return json(res, 422, { status: 'error', errorType: 'execution', error: fault.error ?? 'invalid regular expression in label_replace(): (' });
    case 'unavailable': {
      const errorType = fault.errorType ?? 'unavailable';
      return json(res, 503, { status: 'error', errorType, error: errorType === 'timeout' ? 'query timed out in query execution' : 'TSDB not ready' }, fault.retryAfter);
    }
    case 'rate_limited':
      return json(res, 429, { status: 'error', errorType: 'unavailable', error: 'too many requests' }, fault.retryAfter);
    case 'status':
      return send(res, fault.status, fault.contentType ?? 'text/plain', fault.body);
    case 'slow': {
      const timer = setTimeout(() => {
        ex.timers.delete(timer);
        if (!res.destroyed) serve(fault.then ?? { kind: 'success' }, ex);
      }, fault.delayMs);
      ex.timers.add(timer);
      return;
    }
    case 'not_json':
      return send(res, 200, 'text/html', '<html><body><h1>Welcome to nginx!</h1></body></html>');
    case 'wrong_shape':
      return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: 'oops' }] } });
    case 'reset':
      ex.req.socket.destroy();
      return;
    case 'echo_credentials':
      return json(res, 400, { status: 'error', errorType: 'bad_data', error: echoCredentials(ex.req) });
  }
}

/** Every form a careless proxy might echo: the header, the decoded user:password, the bare token, a URL. */
function echoCredentials(req: IncomingMessage): string {
  const authorization = req.headers.authorization ?? '';
  const [scheme = '', credential = ''] = authorization.split(' ');
  const bare = scheme === 'Basic' ? Buffer.from(credential, 'base64').toString('utf8') : credential;
  const apiKey = String(req.headers['x-api-key'] ?? '');
  return `denied "${authorization}" (${bare}) at http://${bare}@${req.headers.host}${req.url} key=${apiKey}`;
}

function json(res: ServerResponse, status: number, body: unknown, retryAfter?: string): void {
  if (retryAfter !== undefined) res.setHeader('Retry-After', retryAfter);
  send(res, status, 'application/json', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
