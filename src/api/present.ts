import type { Analysis } from '../core/analysis/model.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * The analysis resource as the API returns it. Infinite interval ends (no data in an arm) are sent
 * as null, since JSON has no Infinity.
 */
export function presentAnalysis(a: Analysis, baseUrl: string) {
  return {
    id: a.id,
    key: a.key,
    verdict: a.verdict,
    score: a.score,
    mode: a.mode,
    startedAt: iso(a.startedAt),
    endTime: iso(a.request.endTime),
    decidedAt: iso(a.decidedAt),
    measuredUntil: iso(a.lastTickEnd),
    interval: `${a.request.intervalMs / 1000}s`,
    maxDuration: `${a.request.maxDurationMs / 1000}s`,
    alpha: a.request.alpha,
    templates: a.request.templates,
    metrics: a.metrics.map((m) => ({
      template: m.template,
      name: m.name,
      kind: m.kind,
      verdict: m.verdict,
      critical: m.critical,
      weight: m.weight,
      decidedAt: iso(m.decidedAt),
      evidence: m.evidence,
      reason: m.reason,
    })),
    ...(a.abort ? { abort: { at: iso(a.abort.at), reason: a.abort.reason, by: a.abort.by ?? null } } : {}),
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
    explanationUrl: `${baseUrl}/api/v1/analyses/${encodeURIComponent(a.id)}/explanation`,
  };
}

/** Base URL for links: the configured public URL, else what the caller used to reach us. */
export function baseUrlOf(publicUrl: string | undefined, req: { protocol: string; headers: Record<string, unknown> }): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const host = typeof req.headers.host === 'string' && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
  return `${req.protocol}://${host}`;
}
