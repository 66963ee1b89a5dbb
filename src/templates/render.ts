import type { MetricSpec, Scope, ScopeMatchers } from '../core/analysis/model.js';
import { InvalidArgumentError, TemplateNotFoundError } from '../errors/template-errors.js';
import { renderCondition } from './conditions.js';
import type { CompiledQuery } from './promql/compile.js';
import { renderQuery } from './promql/render.js';
import { validateScope } from './scopes.js';
import type { LoadedTemplate, NumberField, TemplateMetric } from './types.js';
import { checkArgValue, checkNumber, percentToFraction } from './values.js';

export interface RenderRequest {
  /** Template names; each must be loaded. Repeats are rendered once. */
  templates: string[];
  /** One map for all templates: a template reads the args it declares and ignores the rest. */
  args: Record<string, string>;
  /** Label matchers (name → exact value) added to every series selector of that scope's queries. */
  scopes: Record<Scope, ScopeMatchers>;
  intervalMs: number;
}

/** `60000` → `60s`, `1500` → `1500ms`: a duration Prometheus reads, exactly the interval. */
export function promDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Renders the requested templates into metric specs with final PromQL. Throws
 * `TemplateNotFoundError` (all unknown names), `InvalidArgumentError` (field `args.<name>`, or
 * `templates` / `intervalMs`) and `InvalidScopeError` (field `scopes.<scope>.<label>`).
 *
 * Scope matchers go into every series selector: canary matchers into canary queries, baseline into
 * baseline. burnRate and threshold metrics judge the canary alone, so they get the canary scope.
 * A scope label the template also fixes is simply added; Prometheus ANDs the two matchers, so a
 * conflicting value selects nothing and the metric reports no data (never a pass).
 */
export function renderMetrics(templates: Map<string, LoadedTemplate>, request: RenderRequest): MetricSpec[] {
  const names = [...new Set(request.templates)];
  if (names.length === 0) throw new InvalidArgumentError('templates', 'name at least one template');
  const unknown = names.filter((n) => !templates.has(n));
  if (unknown.length > 0) throw new TemplateNotFoundError(unknown);
  const selected = names.map((n) => templates.get(n) as LoadedTemplate);

  const scopes = request.scopes ?? { canary: {}, baseline: {} };
  validateScope('canary', scopes.canary ?? {});
  validateScope('baseline', scopes.baseline ?? {});
  if (!Number.isInteger(request.intervalMs) || request.intervalMs <= 0) {
    throw new InvalidArgumentError('intervalMs', 'must be a positive whole number of milliseconds');
  }
  const ctx: Omit<RenderContext, 'args'> = {
    interval: promDuration(request.intervalMs),
    canary: scopes.canary ?? {},
    baseline: scopes.baseline ?? {},
  };

  checkRequired(selected, request.args ?? {});
  return selected.flatMap((template) => {
    const args = resolveArgs(template, request.args ?? {});
    return template.metrics.map((metric) => renderMetric(template.name, metric, { ...ctx, args }));
  });
}

/** Names every missing required argument at once, so a caller fixes them in one go. */
function checkRequired(templates: LoadedTemplate[], given: Record<string, string>): void {
  const missing = new Map<string, string>();
  for (const t of templates) {
    for (const arg of t.args) {
      if (arg.default === undefined && !Object.hasOwn(given, arg.name) && !missing.has(arg.name)) {
        missing.set(arg.name, t.name);
      }
    }
  }
  const [first, ...rest] = [...missing.entries()];
  if (!first) return;
  const also = rest.length > 0 ? ` (also missing: ${rest.map(([n]) => `args.${n}`).join(', ')})` : '';
  throw new InvalidArgumentError(`args.${first[0]}`, `is required by template ${first[1]}${also}`, {
    missing: [...missing.keys()].map((n) => `args.${n}`),
  });
}

function resolveArgs(template: LoadedTemplate, given: Record<string, string>): Map<string, string> {
  const values = new Map<string, string>();
  for (const arg of template.args) {
    const value: unknown = Object.hasOwn(given, arg.name) ? given[arg.name] : arg.default;
    const field = `args.${arg.name}`;
    if (typeof value !== 'string') throw new InvalidArgumentError(field, 'must be a string');
    const reason = checkArgValue(arg, value);
    if (reason) throw new InvalidArgumentError(field, `${reason} (template ${template.name})`, { template: template.name });
    values.set(arg.name, value);
  }
  return values;
}

interface RenderContext {
  interval: string;
  canary: ScopeMatchers;
  baseline: ScopeMatchers;
  args: Map<string, string>;
}

function lookup(ctx: RenderContext, window?: string): (name: string) => string {
  return (name) => {
    const value =
      name === 'interval' ? ctx.interval : name === 'window' ? window : ctx.args.get(name.slice('args.'.length));
    // Loading guarantees every placeholder names a declared argument or a variable of its kind.
    if (value === undefined) throw new Error(`no value for {{${name}}}`);
    return value;
  };
}

function query(q: CompiledQuery, ctx: RenderContext, scope: ScopeMatchers, window?: string): string {
  return renderQuery(q, { get: lookup(ctx, window), scope });
}

function num(field: NumberField, ctx: RenderContext): number {
  if ('value' in field) return field.value;
  const raw = ctx.args.get(field.arg) as string;
  const reason = checkNumber(Number(raw), field.constraint);
  if (reason) throw new InvalidArgumentError(`args.${field.arg}`, `${reason} for ${field.field} (got ${raw})`);
  return Number(raw);
}

function renderMetric(template: string, m: TemplateMetric, ctx: RenderContext): MetricSpec {
  const common = {
    name: m.name,
    template,
    weight: m.weight,
    critical: m.critical,
    minEvents: m.minEvents,
    direction: m.direction,
    ...(m.description !== undefined && { description: m.description }),
    ...(m.unit !== undefined && { unit: m.unit }),
  };
  switch (m.kind) {
    case 'ratio':
      return {
        ...common,
        kind: 'ratio',
        queries: {
          canary: { bad: query(m.bad, ctx, ctx.canary), total: query(m.total, ctx, ctx.canary) },
          baseline: { bad: query(m.bad, ctx, ctx.baseline), total: query(m.total, ctx, ctx.baseline) },
        },
        tolerance: num(m.tolerance, ctx),
        passBelow: num(m.passBelow, ctx),
        ...(m.maxRate !== undefined && { maxRate: num(m.maxRate, ctx) }),
      };
    case 'histogram':
      return {
        ...common,
        kind: 'histogram',
        queries: {
          canary: { buckets: query(m.buckets, ctx, ctx.canary) },
          baseline: { buckets: query(m.buckets, ctx, ctx.baseline) },
        },
        bounds: bounds(m.bounds, ctx),
        tolerance: num(m.tolerance, ctx),
        passBelow: num(m.passBelow, ctx),
        quantileBounds: m.quantileBounds.map((q) => ({
          quantile: num(q.quantile, ctx),
          maxSeconds: num(q.maxSeconds, ctx),
        })),
        distributionTest: m.distributionTest,
      };
    case 'burnRate': {
      const ratio = (w: string) => `(${query(m.bad, ctx, ctx.canary, w)}) / (${query(m.total, ctx, ctx.canary, w)})`;
      return {
        ...common,
        kind: 'burnRate',
        queries: {
          canary: { bad: query(m.bad, ctx, ctx.canary, ctx.interval), total: query(m.total, ctx, ctx.canary, ctx.interval) },
        },
        objective: percentToFraction(num(m.objective, ctx)),
        maxBurn: num(m.maxBurn, ctx),
        rows: m.rows.map((r) => ({ ...r, queries: { long: ratio(r.longWindow), short: ratio(r.shortWindow) } })),
      };
    }
    case 'threshold': {
      const value = (name: string) => {
        const v = lookup(ctx)(name);
        return v.startsWith('-') ? `(${v})` : v;
      };
      return {
        ...common,
        kind: 'threshold',
        query: query(m.query, ctx, ctx.canary),
        ...(m.successCondition && { successCondition: renderCondition(m.successCondition, value) }),
        ...(m.failureCondition && { failureCondition: renderCondition(m.failureCondition, value) }),
        failureLimit: m.failureLimit,
        inconclusiveLimit: m.inconclusiveLimit,
      };
    }
  }
}

/** Bounds must rise; with arguments that can only be checked here. */
function bounds(fields: NumberField[], ctx: RenderContext): number[] {
  const out = fields.map((f) => num(f, ctx));
  out.forEach((b, i) => {
    const prev = out[i - 1];
    if (prev !== undefined && b <= prev) {
      const f = fields[i] as NumberField;
      const blamed = 'arg' in f ? f : (fields[i - 1] as NumberField);
      const field = 'arg' in blamed ? `args.${blamed.arg}` : 'args';
      throw new InvalidArgumentError(field, `histogram bounds must rise, got ${prev} then ${b}`);
    }
  });
  return out;
}
