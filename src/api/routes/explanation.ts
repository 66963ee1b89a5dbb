import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildExplanation } from '../../core/explain/explanation.js';
import { renderMarkdown } from '../../core/explain/markdown.js';
import { renderText } from '../../core/explain/text.js';
import type { ApiDeps } from '../deps.js';
import { baseUrlOf } from '../present.js';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** Picks the representation by `Accept`: JSON (default), Markdown or plain text. */
export function negotiate(accept: string | undefined): 'json' | 'markdown' | 'text' {
  const ranked = (accept ?? '')
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { type: type.trim(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const r of ranked) {
    if (r.type === 'application/json') return 'json';
    if (r.type === 'text/markdown') return 'markdown';
    if (r.type === 'text/plain') return 'text';
  }
  return 'json';
}

export function registerExplanationRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/analyses/:id/explanation', { schema: { tags: ['analyses'], summary: 'Why the verdict: JSON, text/markdown or text/plain by Accept' } }, async (req, reply) => {
    const { id } = IdParams.parse(req.params);
    const analysis = await deps.service.get(id);
    const explanation = buildExplanation(analysis, {
      ...(deps.settings.grafanaUrl ? { grafanaUrl: deps.settings.grafanaUrl } : {}),
      grafanaDatasource: deps.settings.grafanaDatasource,
      baseUrl: baseUrlOf(deps.settings.publicUrl, req),
    });
    const format = negotiate(req.headers.accept);
    if (format === 'markdown') return reply.type('text/markdown; charset=utf-8').send(renderMarkdown(explanation));
    if (format === 'text') return reply.type('text/plain; charset=utf-8').send(renderText(explanation));
    return reply.type('application/json; charset=utf-8').send(explanation);
  });
}
