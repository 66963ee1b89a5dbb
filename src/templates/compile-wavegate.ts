import type { MetricKind } from '../core/analysis/model.js';
import { conditionArgs } from './conditions.js';
import { checkArgs, checkNumberFieldArg, compileQueryField, parseConditionField } from './compile-common.js';
import type { CompiledQuery } from './promql/compile.js';
import type { ProblemList } from './problems.js';
import { DEFAULT_MIN_EVENTS, type WavegateMetricDoc, type WavegateTemplateDoc } from './schema/wavegate.js';
import type { LoadedTemplate, NumberField, TemplateArg, TemplateMetric } from './types.js';

const DEFAULT_UNITS: Partial<Record<MetricKind, string>> = { ratio: 'ratio', histogram: 'seconds' };

type Placeholder = 'interval' | 'window';

/** Turns a schema-valid wavegate document into a LoadedTemplate, or records why it cannot be one. */
export function compileWavegateTemplate(
  doc: WavegateTemplateDoc,
  file: string,
  problems: ProblemList,
): LoadedTemplate | undefined {
  const args: TemplateArg[] = doc.spec.args.map((a) => ({ ...a }));
  checkArgs(args, problems);
  const byName = new Map(args.map((a) => [a.name, a]));
  const seen = new Set<string>();
  const metrics: TemplateMetric[] = [];
  doc.spec.metrics.forEach((m, i) => {
    const at = `spec.metrics[${i}]`;
    if (seen.has(m.name)) problems.add(`${at}.name`, `duplicate metric name "${m.name}" in this template`);
    seen.add(m.name);
    const metric = compileMetric(m, at, byName, problems);
    if (metric) metrics.push(metric);
  });
  if (!problems.empty) return undefined;
  return {
    name: doc.metadata.name,
    file,
    format: 'wavegate',
    ...(doc.spec.description !== undefined && { description: doc.spec.description }),
    args,
    metrics,
  };
}

function compileMetric(
  m: WavegateMetricDoc,
  at: string,
  args: Map<string, TemplateArg>,
  problems: ProblemList,
): TemplateMetric | undefined {
  const base = {
    name: m.name,
    weight: m.weight,
    critical: m.critical,
    minEvents: m.minEvents ?? DEFAULT_MIN_EVENTS[m.kind],
    direction: m.direction,
    ...(m.description !== undefined && { description: m.description }),
    ...((m.unit ?? DEFAULT_UNITS[m.kind]) !== undefined && { unit: m.unit ?? DEFAULT_UNITS[m.kind] }),
  };
  const query = (field: string, source: string, required: Placeholder | null, allowed: Placeholder[]) =>
    compileChecked(problems, args, `${at}.${field}`, source, required, allowed);
  const numbers = (...fields: Array<NumberField | undefined>) => {
    for (const f of fields) checkNumberFieldArg(f, args, problems);
  };

  switch (m.kind) {
    case 'ratio': {
      const b = m.ratio;
      if (!b) return undefined;
      const bad = query('ratio.bad', b.bad, 'interval', ['interval']);
      const total = query('ratio.total', b.total, 'interval', ['interval']);
      numbers(b.tolerance, b.passBelow, b.maxRate);
      if (!bad || !total) return undefined;
      return {
        ...base,
        kind: 'ratio',
        bad,
        total,
        tolerance: b.tolerance,
        passBelow: b.passBelow,
        ...(b.maxRate !== undefined && { maxRate: b.maxRate }),
      };
    }
    case 'histogram': {
      const b = m.histogram;
      if (!b) return undefined;
      const buckets = query('histogram.buckets', b.buckets, 'interval', ['interval']);
      numbers(b.tolerance, b.passBelow, ...b.bounds, ...b.quantileBounds.flatMap((q) => [q.quantile, q.maxSeconds]));
      checkAscending(b.bounds, `${at}.histogram.bounds`, problems);
      if (!buckets) return undefined;
      return { ...base, kind: 'histogram', ...b, buckets };
    }
    case 'burnRate': {
      const b = m.burnRate;
      if (!b) return undefined;
      const bad = query('burnRate.bad', b.bad, 'window', ['window', 'interval']);
      const total = query('burnRate.total', b.total, 'window', ['window', 'interval']);
      numbers(b.objective, b.maxBurn);
      if (!bad || !total) return undefined;
      return { ...base, kind: 'burnRate', bad, total, objective: b.objective, maxBurn: b.maxBurn, rows: b.rows };
    }
    case 'threshold': {
      const b = m.threshold;
      if (!b) return undefined;
      const q = query('threshold.query', b.query, null, ['interval']);
      const success = parseConditionField(problems, `${at}.threshold.successCondition`, b.successCondition);
      const failure = parseConditionField(problems, `${at}.threshold.failureCondition`, b.failureCondition);
      for (const [cond, field] of [
        [success, 'successCondition'],
        [failure, 'failureCondition'],
      ] as const) {
        for (const name of conditionArgs(cond)) {
          checkArgUse(problems, args, `${at}.threshold.${field}`, name, 'number', 'condition');
        }
      }
      if (!q) return undefined;
      return {
        ...base,
        kind: 'threshold',
        query: q,
        ...(success && { successCondition: success }),
        ...(failure && { failureCondition: failure }),
        failureLimit: b.failureLimit,
        inconclusiveLimit: b.inconclusiveLimit,
      };
    }
  }
}

/** Literal bounds must rise; bounds from arguments are checked when rendering. */
function checkAscending(bounds: NumberField[], at: string, problems: ProblemList): void {
  bounds.forEach((b, i) => {
    const prev = bounds[i - 1];
    if (i > 0 && prev && 'value' in prev && 'value' in b && b.value <= prev.value) {
      problems.add(`${at}[${i}]`, `must be greater than the bound before it (${prev.value})`);
    }
  });
}

function compileChecked(
  problems: ProblemList,
  args: Map<string, TemplateArg>,
  field: string,
  source: string,
  required: Placeholder | null,
  allowed: Placeholder[],
): CompiledQuery | undefined {
  const compiled = compileQueryField(problems, field, source);
  if (!compiled) return undefined;
  let ok = true;
  for (const use of compiled.uses) {
    if (use.name.startsWith('args.')) {
      const need = use.context === 'matcher' ? 'any' : use.durationPosition ? 'duration' : 'number';
      ok = checkArgUse(problems, args, field, use.name.slice('args.'.length), need) && ok;
    } else if (!allowed.includes(use.name as Placeholder)) {
      problems.add(field, `{{${use.name}}} cannot be used here (allowed: ${allowed.map((a) => `{{${a}}}`).join(', ')})`);
      ok = false;
    } else if (use.context !== 'bare' || !use.durationPosition) {
      problems.add(field, `{{${use.name}}} is a duration: use it as a range or offset, e.g. [{{${use.name}}}]`);
      ok = false;
    }
  }
  if (required && !compiled.uses.some((u) => u.name === required)) {
    problems.add(
      field,
      `must use {{${required}}} as its range, e.g. increase(metric[{{${required}}}]), so each reading covers exactly one ${required}`,
    );
    ok = false;
  }
  return ok ? compiled : undefined;
}

/**
 * Outside string literals only number and duration arguments may appear, each where PromQL expects
 * its kind (durations inside `[…]` or after `offset`); a string argument there could change the
 * query's structure. Conditions take numbers.
 */
function checkArgUse(
  problems: ProblemList,
  args: Map<string, TemplateArg>,
  field: string,
  name: string,
  need: 'any' | 'number' | 'duration',
  context: 'query' | 'condition' = 'query',
): boolean {
  const arg = args.get(name);
  if (!arg) {
    problems.add(field, `uses {{args.${name}}}, which is not declared in spec.args`);
    return false;
  }
  if (context === 'condition' && arg.type !== 'number') {
    problems.add(field, `{{args.${name}}} must be declared with type: number to be used in a condition`);
    return false;
  }
  if (need !== 'any' && arg.type === 'string') {
    problems.add(
      field,
      `{{args.${name}}} is a string argument, so it may only appear inside a double-quoted label-matcher value ` +
        `(e.g. {service="{{args.${name}}"}); declare type: number or type: duration to use it elsewhere`,
    );
    return false;
  }
  if (need !== 'any' && arg.type !== need) {
    const where = need === 'duration' ? 'inside [...] or after offset' : 'here';
    problems.add(field, `{{args.${name}}} is a ${arg.type} argument, but a ${need} is expected ${where}`);
    return false;
  }
  return true;
}
