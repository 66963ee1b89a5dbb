import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MalformedRequestError } from '../../errors/request-errors.js';
import { RolloutsNotConfiguredError } from '../../errors/rollouts-disabled-error.js';
import type { RolloutService } from '../../rollout/rollout-service.js';
import type { ApiDeps } from '../deps.js';
import { baseUrlOf } from '../present.js';
import { presentRollout } from '../present-rollout.js';
import { parseRolloutPlan } from '../schemas/rollout-plan.js';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const CommandParams = z.object({ id: z.string().min(1).max(128), command: z.enum(['pause', 'resume', 'abort', 'approve', 'promote']) });
const CommandBody = z.object({ by: z.string().trim().min(1, 'say who asks').max(200), why: z.string().trim().min(1, 'say why').max(2000) }).strict();
const ListQuery = z.object({
  app: z.string().max(253).optional(),
  status: z.enum(['running', 'paused', 'succeeded', 'rolledBack', 'aborted', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(512).optional(),
});

/**
 * Rollouts: submit a plan (JSON, or YAML with `content-type: application/yaml`), watch it, and steer it
 * with pause / resume / abort / approve / promote, each recorded with who and why.
 */
export function registerRolloutRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const service = (): RolloutService => {
    if (!deps.rollouts) throw new RolloutsNotConfiguredError();
    return deps.rollouts;
  };
  const base = (req: FastifyRequest) => baseUrlOf(deps.settings.publicUrl, req);

  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseYaml(body as string, { maxAliasCount: 50 }));
    } catch (err) {
      done(new MalformedRequestError(`the body is not YAML: ${(err as Error).message.split('\n')[0]}`), undefined);
    }
  });

  app.post('/api/v1/rollouts', { schema: { tags: ['rollouts'], summary: 'Submit a rollout plan (JSON or YAML); 400 names the field of a bad plan and nothing starts' } }, async (req, reply) => {
    const plan = parseRolloutPlan(req.body);
    const by = typeof req.headers['x-wavegate-user'] === 'string' ? req.headers['x-wavegate-user'] : undefined;
    const r = await service().submit(plan, by);
    return reply.status(201).header('location', `/api/v1/rollouts/${r.id}`).send(presentRollout(r, base(req)));
  });

  app.get('/api/v1/rollouts', { schema: { tags: ['rollouts'], summary: 'List rollouts, newest first' } }, async (req) => {
    const q = ListQuery.parse(req.query);
    const page = await service().list(q);
    return { items: page.items.map((r) => presentRollout(r, base(req))), nextCursor: page.nextCursor };
  });

  app.get('/api/v1/rollouts/:id', { schema: { tags: ['rollouts'], summary: 'Read one rollout' } }, async (req) => {
    const { id } = IdParams.parse(req.params);
    return presentRollout(await service().get(id), base(req));
  });

  app.post('/api/v1/rollouts/:id/:command', { schema: { tags: ['rollouts'], summary: 'pause, resume, abort, approve or promote (body: { by, why })' } }, async (req) => {
    const { id, command } = CommandParams.parse(req.params);
    const { by, why } = CommandBody.parse(req.body ?? {});
    return presentRollout(await service().command(id, { kind: command, by, why }), base(req));
  });
}
