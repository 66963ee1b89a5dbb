import type { FastifyInstance, FastifyRequest } from 'fastify';
import { buildExplanation } from '../../core/explain/explanation.js';
import { InvalidAnalysisRequestError } from '../../errors/request-errors.js';
import type { ApiDeps } from '../deps.js';
import { baseUrlOf } from '../present.js';
import { parseAnalysisRequest } from './analyses.js';

/**
 * Argo Rollouts `web` metric provider. Every measurement is one synchronous call, so the first call
 * starts the analysis in the background (idempotent by `key`) and every call answers from stored
 * state at once. Any verdict is a 2xx JSON body whose `verdict` a `jsonPath` of `{$.verdict}` reads;
 * non-2xx only when the request itself cannot be measured (bad template, args or scopes) — Argo
 * counts that as a measurement Error, which is what it is.
 */
export function registerArgoHook(app: FastifyInstance, deps: ApiDeps): void {
  const answer = async (req: FastifyRequest, body: unknown) => {
    const request = parseAnalysisRequest(deps, body, 'argo');
    if (!request.key) throw new InvalidAnalysisRequestError('key', 'is required for hooks: pass a key unique to this rollout revision (e.g. rollout name + pod-template-hash)');
    const { analysis } = await deps.service.create(request);
    const e = buildExplanation(analysis, { baseUrl: baseUrlOf(deps.settings.publicUrl, req), grafanaDatasource: deps.settings.grafanaDatasource });
    return {
      verdict: analysis.verdict,
      score: analysis.score,
      id: analysis.id,
      key: analysis.key,
      decidedAt: analysis.decidedAt === null ? null : new Date(analysis.decidedAt).toISOString(),
      reason: e.headline,
      explanationUrl: `${baseUrlOf(deps.settings.publicUrl, req)}/api/v1/analyses/${analysis.id}/explanation`,
    };
  };
  const schema = { tags: ['hooks'], summary: 'Argo Rollouts web metric: start-or-read an analysis by key; 2xx JSON for every verdict' };
  app.post('/api/v1/hooks/argo', { schema }, async (req) => answer(req, req.body));
  app.get('/api/v1/hooks/argo', { schema: { ...schema, summary: `${schema.summary} (query-string form)` } }, async (req) => answer(req, queryToBody(req.query as Record<string, string | string[]>)));
}

/**
 * The query-string form for `GET`: `key`, `templates=a,b`, `args.<name>`, `canary.<label>`,
 * `baseline.<label>`, `interval`, `maxDuration`, `alpha`, `startTime`.
 */
export function queryToBody(query: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);
  const body: Record<string, unknown> = { args: {}, scopes: { canary: {}, baseline: {} } };
  const scopes = body.scopes as Record<string, Record<string, string>>;
  for (const [name, raw] of Object.entries(query)) {
    const value = one(raw);
    if (value === undefined) continue;
    if (name === 'templates') body.templates = value.split(',').map((t) => t.trim()).filter(Boolean);
    else if (name === 'alpha') body.alpha = Number(value);
    else if (name.startsWith('args.')) (body.args as Record<string, string>)[name.slice(5)] = value;
    else if (name.startsWith('canary.')) scopes.canary![name.slice(7)] = value;
    else if (name.startsWith('baseline.')) scopes.baseline![name.slice(9)] = value;
    else body[name] = value;
  }
  return body;
}
