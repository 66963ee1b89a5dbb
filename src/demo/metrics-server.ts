import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { freePort } from './free-port.js';

export interface MetricsServer {
  /** `127.0.0.1:<port>`, as a scrape target. */
  target: string;
  close(): Promise<void>;
}

/** Serves a prom-client registry at `/metrics` on a free 127.0.0.1 port (what Prometheus scrapes). */
export async function serveMetrics(registry: Registry): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => (server.off('error', reject), resolve()));
      });
      return { target: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 3) throw err;
    }
  }
}
