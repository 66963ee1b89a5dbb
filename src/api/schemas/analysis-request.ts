import { z } from 'zod';
import { parseDurationMs } from '../../config.js';
import type { AnalysisRequest } from '../../core/analysis/model.js';

const MAX_DURATION_MS = 7 * 86_400_000;
/**
 * Every tick re-judges the analysis from all its measurements and a retrospective one is replayed
 * inside the request, so the number of ticks is bounded (30 minutes at 5 s, 8 hours at 1 minute).
 */
const MAX_TICKS = 500;

const durationText = (field: string, min: number, max: number) =>
  z.string().trim().transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === null) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a duration (use e.g. 30s, 1m, 1h30m)` });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} must be between ${min / 1000}s and ${max / 1000}s` });
      return z.NEVER;
    }
    return ms;
  });

const isoTime = z.string().trim().refine((v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 time such as 2026-11-22T10:00:00Z').transform((v) => Date.parse(v));

/** Label matchers: names are Prometheus label names; values are any string (escaped when rendered). */
const matchers = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are letters, digits and _ and do not start with a digit'), z.union([z.string().max(1024), z.array(z.string().max(1024)).min(1).max(200)])).refine((m) => Object.keys(m).length <= 20, 'at most 20 labels');

/** The body of `POST /api/v1/analyses` (and the Argo hook), before defaults that depend on the clock. */
export const AnalysisRequestBody = z
  .object({
    key: z.string().trim().min(1).max(256).regex(/^[A-Za-z0-9._:/@+=-]+$/, 'letters, digits and . _ : / @ + = - only').optional(),
    templates: z.array(z.string().trim().min(1).max(253)).min(1, 'name at least one template').max(20),
    args: z.record(z.string().max(253), z.union([z.string().max(4096), z.number().finite(), z.boolean()]).transform(String)).default({}),
    scopes: z.object({ canary: matchers, baseline: matchers }).strict(),
    startTime: isoTime.optional(),
    endTime: isoTime.optional(),
    interval: durationText('interval', 1000, 86_400_000).default('1m'),
    maxDuration: durationText('maxDuration', 1000, MAX_DURATION_MS).default('30m'),
    alpha: z.number().min(1e-6).max(0.2).optional(),
  })
  .strict();

export type AnalysisRequestInput = z.input<typeof AnalysisRequestBody>;

/** Applies clock-dependent defaults and cross-field rules; issues carry the field path. */
export function toAnalysisRequest(body: z.output<typeof AnalysisRequestBody>, now: number, defaultAlpha: number, source: string): AnalysisRequest | { field: string; reason: string } {
  const startTime = body.startTime ?? now;
  if (body.endTime !== undefined && body.endTime <= startTime) return { field: 'endTime', reason: 'must be after startTime' };
  if (body.interval > body.maxDuration) return { field: 'interval', reason: 'must not be longer than maxDuration' };
  const horizon = Math.min(body.maxDuration, body.endTime === undefined ? Infinity : body.endTime - startTime);
  if (horizon < body.interval) return { field: 'endTime', reason: 'the time range must hold at least one interval' };
  if (horizon / body.interval > MAX_TICKS) return { field: 'interval', reason: `the analysis would take more than ${MAX_TICKS} measurements; use a longer interval` };
  if (body.startTime !== undefined && body.startTime > now + 86_400_000) return { field: 'startTime', reason: 'must be at most one day in the future' };
  return {
    ...(body.key ? { key: body.key } : {}),
    templates: body.templates,
    args: body.args,
    scopes: body.scopes,
    startTime,
    ...(body.endTime !== undefined ? { endTime: body.endTime } : {}),
    intervalMs: body.interval,
    maxDurationMs: body.maxDuration,
    alpha: body.alpha ?? defaultAlpha,
    source,
  };
}
