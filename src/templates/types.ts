import type { Direction } from '../core/analysis/model.js';
import type { CompiledQuery } from './promql/compile.js';
import type { StringPart } from './promql/tokenizer.js';

export type { TemplateProblem } from '../errors/template-errors.js';

/** `string` values may only go into double-quoted matcher values; `number` and `duration` anywhere. */
export type ArgType = 'string' | 'number' | 'duration';

export interface TemplateArg {
  name: string;
  type: ArgType;
  /** Used when the request does not pass the argument; absent = required. */
  default?: string;
  /** Regex the whole value must match (it is anchored: `^(?:pattern)$`). */
  pattern?: string;
  description?: string;
}

/** Range checks for numeric settings, applied to literals at load and to argument values at render. */
export type NumberConstraint = 'positive' | 'atLeastOne' | 'fraction' | 'rate' | 'nonNegativeInt' | 'objectivePercent';

/** A numeric setting: a literal, or a `{{args.name}}` placeholder resolved at render. */
export type NumberField =
  | { value: number }
  /** `field` is the path in the template, for error messages. */
  | { arg: string; field: string; constraint: NumberConstraint };

/** A condition expression (Argo syntax, over `result`) whose placeholders take number arguments. */
export interface ConditionTemplate {
  source: string;
  parts: StringPart[];
}

interface TemplateMetricBase {
  name: string;
  weight: number;
  critical: boolean;
  minEvents: number;
  direction: Direction;
  description?: string;
  unit?: string;
}

export interface RatioTemplateMetric extends TemplateMetricBase {
  kind: 'ratio';
  bad: CompiledQuery;
  total: CompiledQuery;
  tolerance: NumberField;
  passBelow: NumberField;
  maxRate?: NumberField;
}

export interface HistogramTemplateMetric extends TemplateMetricBase {
  kind: 'histogram';
  buckets: CompiledQuery;
  bounds: NumberField[];
  tolerance: NumberField;
  passBelow: NumberField;
  quantileBounds: Array<{ quantile: NumberField; maxSeconds: NumberField }>;
  distributionTest: boolean;
}

export interface BurnRateRow {
  longWindow: string;
  shortWindow: string;
  burnRate: number;
}

export interface BurnRateTemplateMetric extends TemplateMetricBase {
  kind: 'burnRate';
  /** Queries with `{{window}}`: rendered once per interval and once per row window. */
  bad: CompiledQuery;
  total: CompiledQuery;
  /** SLO objective in percent (99.9); rendered as a fraction (0.999). */
  objective: NumberField;
  maxBurn: NumberField;
  rows: BurnRateRow[];
}

export interface ThresholdTemplateMetric extends TemplateMetricBase {
  kind: 'threshold';
  query: CompiledQuery;
  successCondition?: ConditionTemplate;
  failureCondition?: ConditionTemplate;
  failureLimit: number;
  inconclusiveLimit: number;
}

export type TemplateMetric =
  | RatioTemplateMetric
  | HistogramTemplateMetric
  | BurnRateTemplateMetric
  | ThresholdTemplateMetric;

/** A validated template, ready to render. Plain data: queries are pre-cut at their placeholders. */
export interface LoadedTemplate {
  name: string;
  /** The file it came from, as the loader named it. */
  file: string;
  /** `argo` = an Argo Rollouts (Cluster)AnalysisTemplate with the prometheus provider. */
  format: 'wavegate' | 'argo';
  description?: string;
  args: TemplateArg[];
  metrics: TemplateMetric[];
}
