import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { buildApp, type App } from '../app.js';
import { parseConfig } from '../config.js';
import { createLogger } from '../telemetry/logger.js';
import { simulatedClusterClients } from './cluster-clients.js';
import { freePort } from './free-port.js';
import type { Narrator } from './narrator.js';
import type { SeriesHistory } from './promql-lite.js';
import type { SimulatedDeployment } from './simulated-cluster.js';
import { simulatedMetricsSource } from './simulated-source.js';

const TEMPLATES_DIR = fileURLToPath(new URL('../../analysis-templates', import.meta.url));

/**
 * wavegate in process, as `main.ts` would run it but with the demo's fleet and short timings:
 * the simulated clusters through `clusterClients`, and the simulated metrics source when there is
 * no Prometheus. Listens on a free 127.0.0.1 port (PUBLIC_URL names it, so commits link to
 * explanations), runs the analysis scheduler and the rollout poller. Warnings reach the console as
 * one readable line each instead of JSON.
 */
export async function startWavegate(d: {
  dir: string;
  repo: { fleetFile: string; reposFile: string };
  prometheusUrl: string | undefined;
  deployments: ReadonlyMap<string, SimulatedDeployment>;
  metrics: 'prometheus' | 'simulated';
  history: SeriesHistory;
  say: Narrator;
}): Promise<{ app: App; url: string }> {
  const logger = createLogger('warn', {
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { msg?: string; component?: string; err?: { message?: string } };
        d.say.say('warn', `${entry.component ? `${entry.component}: ` : ''}${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`);
      } catch {
        d.say.say('warn', line.trim());
      }
    },
  });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = parseConfig({
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      PROMETHEUS_URL: d.prometheusUrl ?? 'http://127.0.0.1:9',
      PROMETHEUS_TIMEOUT: '5s',
      TEMPLATES_DIR,
      LOG_LEVEL: 'warn',
      FLEET_FILE: d.repo.fleetFile,
      GIT_REPOS_FILE: d.repo.reposFile,
      GIT_WORK_DIR: join(d.dir, 'wavegate-git'),
      ROLLOUT_POLL: '500ms',
      SCHEDULER_POLL: '250ms',
      SETTLE_DELAY: '1s',
      INSTANCE_ID: 'wavegate-demo',
    });
    const app = await buildApp(config, logger, {
      registry: new Registry(),
      env: {},
      clusterClients: simulatedClusterClients(d.deployments, Date.now),
      ...(d.metrics === 'simulated' ? { source: simulatedMetricsSource(d.history) } : {}),
    });
    try {
      await app.api.listen({ port, host: '127.0.0.1' });
    } catch (err) {
      await app.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 3) continue;
      throw err;
    }
    await app.runner.start();
    await app.rollouts?.runner.start();
    return { app, url };
  }
}
