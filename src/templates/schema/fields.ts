import { z } from 'zod';
import { formatPath } from '../problems.js';
import type { NumberConstraint, NumberField } from '../types.js';
import { ARG_NAME, NUMBER, checkNumber, isDuration } from '../values.js';

/** Kubernetes object names (DNS-1123 subdomain), so the same names work in Argo and Flagger. */
export const templateName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be lowercase letters, digits, "-" or "." (a Kubernetes name)');

export const metricName = z
  .string()
  .max(63)
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be letters, digits, "-", "_" or "."');

export const argName = z.string().regex(ARG_NAME, 'must start with a letter or "_" and use letters, digits, "_" or "-"');

export const duration = z.string().refine(isDuration, 'must be a Prometheus duration such as 5m, 1h or 1h30m');

const ARG_PLACEHOLDER = /^\s*\{\{\s*args\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}\s*$/;

/**
 * A numeric setting: a number, a numeric string, or exactly one `{{args.name}}` placeholder (the
 * argument must be declared with `type: number`; its value is range-checked when rendering).
 */
export function numberField(constraint: NumberConstraint, fallback?: number) {
  return z.unknown().transform((raw, ctx): NumberField => {
    if (raw === undefined || raw === null) {
      if (fallback !== undefined) return { value: fallback };
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    if (typeof raw === 'string') {
      const arg = ARG_PLACEHOLDER.exec(raw)?.[1];
      if (arg) return { arg, field: formatPath(ctx.path), constraint };
    }
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER.test(raw.trim()) ? Number(raw) : NaN;
    if (Number.isNaN(n)) {
      ctx.addIssue({ code: 'custom', message: 'must be a number or a "{{args.<name>}}" placeholder' });
      return z.NEVER;
    }
    const problem = checkNumber(n, constraint);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${problem} (got ${n})` });
      return z.NEVER;
    }
    return { value: n };
  });
}

/** A PromQL query template; compiled (and its placeholders checked) after the schema passes. */
export const query = z.string().trim().min(1).max(16_384);
