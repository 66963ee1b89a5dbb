import { conditionArgs } from './conditions.js';
import { checkArgs, compileQueryField, parseConditionField } from './compile-common.js';
import type { ProblemList } from './problems.js';
import { argoPrometheusProvider, type ArgoTemplateDoc } from './schema/argo.js';
import type { ArgType, LoadedTemplate, TemplateArg, ThresholdTemplateMetric } from './types.js';

type ArgoMetricDoc = ArgoTemplateDoc['spec']['metrics'][number];

/** Where each argument is used, to give Argo's untyped args the type their positions allow. */
type Uses = Map<string, Set<ArgType>>;

/**
 * Loads an Argo Rollouts (Cluster)AnalysisTemplate whose metrics all use the prometheus provider.
 * Each metric becomes a `threshold` metric with Argo's own semantics (conditions over `result`,
 * failureLimit, inconclusiveLimit), critical like every metric of an Argo run. A template with any
 * other provider is refused as a whole: loading only part of it would silently drop a check.
 */
export function compileArgoTemplate(
  doc: ArgoTemplateDoc,
  file: string,
  problems: ProblemList,
): LoadedTemplate | undefined {
  const uses: Uses = new Map();
  const metrics: ThresholdTemplateMetric[] = [];
  const seen = new Set<string>();
  doc.spec.metrics.forEach((m, i) => {
    const at = `spec.metrics[${i}]`;
    if (seen.has(m.name)) problems.add(`${at}.name`, `duplicate metric name "${m.name}" in this template`);
    seen.add(m.name);
    const metric = compileMetric(m, at, uses, problems);
    if (metric) metrics.push(metric);
  });

  const args: TemplateArg[] = doc.spec.args.map((a) => ({
    name: a.name,
    type: inferType(a.name, uses, problems),
    ...(a.value !== undefined && { default: a.value }),
    ...(a.value === undefined &&
      a.valueFrom !== undefined && { description: 'valueFrom in the Argo template: pass the value in the request' }),
  }));
  checkArgs(args, problems);
  const declared = new Set(args.map((a) => a.name));
  for (const name of uses.keys()) {
    if (!declared.has(name)) problems.add('spec.args', `{{args.${name}}} is used but not declared`);
  }
  if (!problems.empty) return undefined;
  return { name: doc.metadata.name, file, format: 'argo', args, metrics };
}

function compileMetric(
  m: ArgoMetricDoc,
  at: string,
  uses: Uses,
  problems: ProblemList,
): ThresholdTemplateMetric | undefined {
  const providers = Object.keys(m.provider);
  if (providers.length !== 1 || providers[0] !== 'prometheus') {
    problems.add(
      `${at}.provider`,
      `only the prometheus provider can be loaded by wavegate (found ${providers.join(', ') || 'none'})`,
    );
    return undefined;
  }
  const parsed = argoPrometheusProvider.safeParse(m.provider.prometheus);
  if (!parsed.success) {
    problems.addZodIssues(parsed.error.issues, `${at}.provider.prometheus`);
    return undefined;
  }
  if (parsed.data.rangeQuery !== undefined) {
    problems.add(`${at}.provider.prometheus.rangeQuery`, 'range queries are not supported; use an instant query');
  }
  if ((m.consecutiveSuccessLimit ?? 0) > 0) {
    problems.add(`${at}.consecutiveSuccessLimit`, 'is not supported by wavegate (remove it or use failureLimit)');
  }
  if ((m.failureLimit ?? 0) < 0) problems.add(`${at}.failureLimit`, 'must be ≥ 0 (disabling it is not supported)');
  if ((m.inconclusiveLimit ?? 0) < 0) problems.add(`${at}.inconclusiveLimit`, 'must be ≥ 0');
  if (m.successCondition === undefined && m.failureCondition === undefined) {
    problems.add(at, 'needs a successCondition or a failureCondition (a metric without one always succeeds)');
  }

  const field = `${at}.provider.prometheus.query`;
  const query = compileQueryField(problems, field, parsed.data.query);
  for (const use of query?.uses ?? []) {
    if (!use.name.startsWith('args.')) {
      if (use.name !== 'interval') problems.add(field, `{{${use.name}}} cannot be used in an Argo template`);
      else if (use.context !== 'bare' || !use.durationPosition) {
        problems.add(field, '{{interval}} is a duration: use it as a range or offset, e.g. [{{interval}}]');
      }
      continue;
    }
    const type: ArgType = use.context === 'matcher' ? 'string' : use.durationPosition ? 'duration' : 'number';
    record(uses, use.name.slice('args.'.length), type);
  }
  const success = parseConditionField(problems, `${at}.successCondition`, m.successCondition);
  const failure = parseConditionField(problems, `${at}.failureCondition`, m.failureCondition);
  for (const name of [...conditionArgs(success), ...conditionArgs(failure)]) record(uses, name, 'number');

  if (!query) return undefined;
  return {
    name: m.name,
    kind: 'threshold',
    weight: 1,
    critical: true,
    minEvents: 1,
    direction: 'increase',
    query,
    ...(success && { successCondition: success }),
    ...(failure && { failureCondition: failure }),
    failureLimit: m.failureLimit ?? 0,
    inconclusiveLimit: m.inconclusiveLimit ?? 0,
  };
}

function record(uses: Uses, name: string, type: ArgType): void {
  const set = uses.get(name) ?? new Set<ArgType>();
  set.add(type);
  uses.set(name, set);
}

/**
 * Argo args have no types. A value used only inside matcher strings is a string (escaped there);
 * one used bare is a duration inside `[…]`/after `offset` and a number elsewhere — both validated
 * strictly, so an Argo template cannot become an injection path either.
 */
function inferType(name: string, uses: Uses, problems: ProblemList): ArgType {
  const seen = uses.get(name) ?? new Set<ArgType>();
  if (seen.has('duration') && seen.has('number')) {
    problems.add('spec.args', `{{args.${name}}} is used both as a duration and as a number`);
  }
  return seen.has('duration') ? 'duration' : seen.has('number') ? 'number' : 'string';
}
