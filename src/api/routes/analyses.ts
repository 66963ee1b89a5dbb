import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidAnalysisRequestError } from '../../errors/request-errors.js';
import type { ApiDeps } from '../deps.js';
import { baseUrlOf, presentAnalysis } from '../present.js';
import { AnalysisRequestBody, toAnalysisRequest } from '../schemas/analysis-request.js';
import { analysisResourceSchema, analysisRequestSchema, errorSchema } from '../schemas/openapi.js';

const ListQuery = z.object({
  key: z.string().max(256).optional(),
  verdict: z.enum(['running', 'pass', 'fail', 'inconclusive']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(512).optional(),
});
const IdParams = z.object({ id: z.string().min(1).max(128) });
const AbortBody = z.object({ reason: z.string().trim().min(1).max(1000).default('aborted through the API'), by: z.string().trim().max(200).optional() }).strict();

/** Parses a body with zod; a ZodError reaches the error handler as a 400 naming the field. */
export function parseAnalysisRequest(deps: ApiDeps, body: unknown, source: string) {
  const parsed = AnalysisRequestBody.parse(body ?? {});
  const request = toAnalysisRequest(parsed, deps.now(), deps.settings.defaultAlpha, source);
  if ('field' in request) throw new InvalidAnalysisRequestError(request.field, request.reason);
  return request;
}

export function registerAnalysisRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = (req: FastifyRequest) => baseUrlOf(deps.settings.publicUrl, req);

  app.post('/api/v1/analyses', { schema: { tags: ['analyses'], summary: 'Start an analysis (live, or retrospective when endTime is past)', body: analysisRequestSchema, response: { 200: analysisResourceSchema, 201: analysisResourceSchema, 400: errorSchema } } }, async (req, reply) => {
    const request = parseAnalysisRequest(deps, req.body, 'api');
    const { analysis, created } = await deps.service.create(request);
    req.log.info({ analysisId: analysis.id, created }, created ? 'analysis created' : 'analysis found by key');
    return reply.status(created ? 201 : 200).header('location', `/api/v1/analyses/${analysis.id}`).send(presentAnalysis(analysis, base(req)));
  });

  app.get('/api/v1/analyses', { schema: { tags: ['analyses'], summary: 'List analyses, newest first' } }, async (req) => {
    const q = ListQuery.parse(req.query);
    const page = await deps.store.list(q);
    return { items: page.items.map((a) => presentAnalysis(a, base(req))), nextCursor: page.nextCursor };
  });

  app.get('/api/v1/analyses/:id', { schema: { tags: ['analyses'], summary: 'Read one analysis', response: { 200: analysisResourceSchema, 404: errorSchema } } }, async (req) => {
    const { id } = IdParams.parse(req.params);
    return presentAnalysis(await deps.service.get(id), base(req));
  });

  app.post('/api/v1/analyses/:id/abort', { schema: { tags: ['analyses'], summary: 'Stop a running analysis; undecided metrics become inconclusive' } }, async (req) => {
    const { id } = IdParams.parse(req.params);
    const body = AbortBody.parse(req.body ?? {});
    const analysis = await deps.service.abort(id, body.reason, body.by);
    req.log.info({ analysisId: id, by: body.by }, 'analysis aborted');
    return presentAnalysis(analysis, base(req));
  });
}
