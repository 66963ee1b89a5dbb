import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Analysis } from '../../core/analysis/model.js';
import { WavegateError } from '../../errors/wavegate-error.js';
import { tokenMatches, bearerOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { zodToBody } from '../error-handler.js';
import { parseAnalysisRequest } from './analyses.js';
import { queryToBody } from './argo-hook.js';

/** Flagger's webhook payload (flagger/pkg/apis/flagger/v1beta1 CanaryWebhookPayload). */
const FlaggerPayload = z.object({
  name: z.string().min(1).max(253),
  namespace: z.string().min(1).max(253),
  phase: z.string().max(64).optional(),
  checksum: z.string().min(1).max(256),
  metadata: z.record(z.string()).default({}),
});

const HOOKS = ['pre-rollout', 'rollout', 'confirm-traffic-increase', 'confirm-promotion', 'rollback'] as const;
type Hook = (typeof HOOKS)[number];

/**
 * Flagger webhooks, one URL per hook type (Flagger does not say which hook is calling). Status ≤ 202
 * lets Flagger proceed; 403/409/422 with a one-line reason halts it. The `rollback` hook is inverted:
 * 200 means "roll back now". No data never counts against the canary: while an analysis has no
 * evidence, `rollout` answers 200 — unlike Flagger's own checks, which count it as a failure.
 *
 * metadata: `templates` (comma-separated), `args.<name>`, `canary.<label>`, `baseline.<label>`,
 * `interval`, `maxDuration`, `alpha`, `onInconclusive` (`rollback` default, or `hold`), `token`.
 * One analysis per revision: the key is `flagger:<namespace>/<name>:<checksum>`.
 */
export function registerFlaggerHooks(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/api/v1/hooks/flagger/:hook', { schema: { tags: ['hooks'], summary: 'Flagger webhook: pre-rollout, rollout, confirm-traffic-increase, confirm-promotion, rollback' } }, async (req, reply) => {
    const hook = (req.params as { hook: string }).hook as Hook;
    if (!HOOKS.includes(hook)) return line(reply, 404, `unknown hook "${hook}"; use one of ${HOOKS.join(', ')}`);
    const parsed = FlaggerPayload.safeParse(req.body);
    if (!parsed.success) return reply.status(400).send(zodToBody(parsed.error, String(req.id)));
    const payload = parsed.data;
    const { token, onInconclusive = 'rollback', ...meta } = payload.metadata;
    if (deps.settings.apiToken && !tokenMatches(deps.settings.apiToken, token) && !tokenMatches(deps.settings.apiToken, bearerOf(req.headers.authorization))) {
      return line(reply, 401, 'wavegate: a valid token is required (metadata.token or Authorization: Bearer)');
    }
    const key = `flagger:${payload.namespace}/${payload.name}:${payload.checksum}`;
    let request;
    try {
      request = parseAnalysisRequest(deps, { ...queryToBody(meta), key }, `flagger:${hook}`);
      deps.validateRequest(request);
    } catch (err) {
      return line(reply, 422, `wavegate cannot analyse ${payload.namespace}/${payload.name}: ${describe(err)}`);
    }
    req.log.info({ hook, key, phase: payload.phase }, 'flagger hook');
    if (hook === 'pre-rollout') {
      const reachable = await deps.metricsReachable();
      return reachable ? line(reply, 200, 'wavegate: templates, args and scopes are valid; Prometheus answers') : line(reply, 422, 'wavegate: Prometheus does not answer; not starting the analysis');
    }
    if (hook === 'rollout' || hook === 'confirm-traffic-increase') {
      const { analysis } = await deps.service.create(request);
      if (analysis.verdict === 'fail') return line(reply, 403, `wavegate: fail — ${headline(analysis)}`);
      return line(reply, 200, `wavegate: ${analysis.verdict} — ${headline(analysis)}`);
    }
    const analysis = await deps.store.getByKey(key);
    if (!analysis) return line(reply, 409, 'wavegate: no analysis has started for this revision yet');
    if (hook === 'confirm-promotion') {
      if (analysis.verdict === 'pass') return line(reply, 200, `wavegate: pass — ${headline(analysis)}`);
      if (analysis.verdict === 'fail') return line(reply, 403, `wavegate: fail — ${headline(analysis)}`);
      return line(reply, 409, `wavegate: ${analysis.verdict}, not promoting — ${headline(analysis)}`);
    }
    // rollback (inverted): 2xx only to roll back.
    if (analysis.verdict === 'fail') return line(reply, 200, `wavegate: roll back — ${headline(analysis)}`);
    if (analysis.verdict === 'inconclusive' && onInconclusive !== 'hold') return line(reply, 200, `wavegate: roll back, no evidence for a promotion — ${headline(analysis)}`);
    return line(reply, 409, `wavegate: ${analysis.verdict}, no rollback`);
  });
}

function line(reply: FastifyReply, status: number, text: string) {
  return reply.status(status).type('text/plain; charset=utf-8').send(text.replace(/\s+/g, ' ').slice(0, 500));
}

function headline(a: Analysis): string {
  const deciding = a.metrics.find((m) => m.verdict === a.verdict) ?? a.metrics.find((m) => m.verdict !== 'pass') ?? a.metrics[0];
  const score = a.score === null ? '' : ` score ${a.score}`;
  const text = deciding ? `${deciding.template}/${deciding.name}: ${deciding.reason}${score}` : `no metrics${score}`;
  // The id lets on-call open /api/v1/analyses/<id>/explanation straight from Flagger's events.
  return `${text} (analysis ${a.id})`;
}

function describe(err: unknown): string {
  if (err instanceof z.ZodError) return err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  if (err instanceof WavegateError) return err.message;
  return 'invalid request';
}
