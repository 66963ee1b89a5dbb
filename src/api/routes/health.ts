import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/**
 * Liveness answers while the event loop does; readiness only when templates are loaded and the
 * store answers — a pod that cannot keep state must not receive hook calls.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Readiness: templates loaded and store reachable' } }, async (_req, reply) => {
    const templates = deps.templates();
    const store = await deps.store.ping().catch(() => false);
    const ready = templates.count > 0 && store;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      checks: {
        templates: { ok: templates.count > 0, loaded: templates.count, problems: templates.problems },
        store: { ok: store },
      },
    });
  });

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    const registry = deps.telemetry.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
