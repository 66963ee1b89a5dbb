import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { UnauthorizedError } from '../errors/request-errors.js';
import { bearerOf, tokenMatches } from './auth.js';
import type { ApiDeps } from './deps.js';
import { installErrorHandler } from './error-handler.js';
import { registerAnalysisRoutes } from './routes/analyses.js';
import { registerArgoHook } from './routes/argo-hook.js';
import { registerExplanationRoute } from './routes/explanation.js';
import { registerFlaggerHooks } from './routes/flagger-hooks.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerRolloutRoutes } from './routes/rollouts.js';

/** Builds the HTTP API over the given dependencies; listening is the caller's business. */
export async function buildApi(deps: ApiDeps, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: deps.settings.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestTimeout: 30_000,
    ajv: { customOptions: { strict: false } },
  });
  // zod validates (so every 400 has our shape); schemas only document. JSON.stringify serialises so
  // a documented schema can never drop an evidence field.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandler(app, deps.telemetry.countError);
  app.addHook('onResponse', async (req, reply) => {
    deps.telemetry.observeHttp(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'wavegate', version: '0.1.0', description: 'Anytime-valid canary analysis from Prometheus, with hooks for Argo Rollouts and Flagger.' },
      tags: [{ name: 'analyses' }, { name: 'rollouts' }, { name: 'hooks' }, { name: 'operations' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  if (deps.settings.apiToken) {
    const token = deps.settings.apiToken;
    app.addHook('onRequest', async (req) => {
      // Decide on the route fastify matched, never on the raw URL: `/%61pi/…` or an absolute-form
      // request line reach the same handler with a different `req.url`.
      const route = req.routeOptions.url;
      if (route === undefined || !route.startsWith('/api/')) return;
      // Flagger cannot send headers; its hooks check metadata.token themselves.
      if (route.startsWith('/api/v1/hooks/flagger/')) return;
      if (!tokenMatches(token, bearerOf(req.headers.authorization))) throw new UnauthorizedError();
    });
  }

  registerHealthRoutes(app, deps);
  registerAnalysisRoutes(app, deps);
  registerExplanationRoute(app, deps);
  registerArgoHook(app, deps);
  registerFlaggerHooks(app, deps);
  registerRolloutRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
