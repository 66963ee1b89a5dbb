import { z } from 'zod';
import { argName, duration, metricName, numberField, query, templateName } from './fields.js';

/**
 * The wavegate AnalysisTemplate format (`apiVersion: wavegate.dev/v1alpha1`), documented with its
 * defaults in `analysis-templates/README.md`. Objects are strict: a misspelt field is an error, not
 * a silently ignored setting.
 */

export const API_VERSION = 'wavegate.dev/v1alpha1';

/** SRE workbook multi-window rows for a 30-day SLO (The Site Reliability Workbook, ch. 5). */
export const DEFAULT_BURN_ROWS = [
  { longWindow: '1h', shortWindow: '5m', burnRate: 14.4 },
  { longWindow: '6h', shortWindow: '30m', burnRate: 6 },
  { longWindow: '1d', shortWindow: '2h', burnRate: 3 },
  { longWindow: '3d', shortWindow: '6h', burnRate: 1 },
];

const argSchema = z
  .object({
    name: argName,
    // YAML reads `default: 99.9` as a number; the value is a string like every request argument.
    default: z.union([z.string(), z.number()]).transform(String).optional(),
    type: z.enum(['string', 'number', 'duration']).default('string'),
    pattern: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .strict();

const ratioBlock = z
  .object({
    bad: query,
    total: query,
    tolerance: numberField('atLeastOne', 1),
    passBelow: numberField('atLeastOne', 1.5),
    maxRate: numberField('rate').optional(),
  })
  .strict();

const histogramBlock = z
  .object({
    buckets: query,
    bounds: z.array(numberField('positive')).default([]),
    tolerance: numberField('atLeastOne', 1),
    passBelow: numberField('atLeastOne', 1.5),
    quantileBounds: z
      .array(z.object({ quantile: numberField('fraction'), maxSeconds: numberField('positive') }).strict())
      .default([]),
    distributionTest: z.boolean().default(false),
  })
  .strict();

const burnRateBlock = z
  .object({
    bad: query,
    total: query,
    objective: numberField('objectivePercent'),
    maxBurn: numberField('positive', 1),
    rows: z
      .array(z.object({ longWindow: duration, shortWindow: duration, burnRate: z.number().positive() }).strict())
      .min(1)
      .default(DEFAULT_BURN_ROWS),
  })
  .strict();

const thresholdBlock = z
  .object({
    query,
    successCondition: z.string().trim().min(1).optional(),
    failureCondition: z.string().trim().min(1).optional(),
    failureLimit: z.number().int().min(0).default(0),
    inconclusiveLimit: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((b) => b.successCondition !== undefined || b.failureCondition !== undefined, {
    message: 'needs a successCondition or a failureCondition',
  });

export const KINDS = ['ratio', 'histogram', 'burnRate', 'threshold'] as const;

/** Events a metric must see per arm before it can pass, by kind (threshold: ok measurements). */
export const DEFAULT_MIN_EVENTS = { ratio: 100, histogram: 100, burnRate: 100, threshold: 1 } as const;

const metricSchema = z
  .object({
    name: metricName,
    kind: z.enum(KINDS),
    weight: z.number().min(0).default(1),
    critical: z.boolean().default(false),
    minEvents: z.number().int().min(0).optional(),
    direction: z.enum(['increase', 'decrease']).default('increase'),
    description: z.string().optional(),
    unit: z.string().optional(),
    ratio: ratioBlock.optional(),
    histogram: histogramBlock.optional(),
    burnRate: burnRateBlock.optional(),
    threshold: thresholdBlock.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m[m.kind] === undefined) {
      ctx.addIssue({ code: 'custom', path: [m.kind], message: `is required for kind ${m.kind}` });
    }
    for (const other of KINDS) {
      if (other !== m.kind && m[other] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [other], message: `does not belong to a metric of kind ${m.kind}` });
      }
    }
    if ((m.kind === 'burnRate' || m.kind === 'threshold') && m.direction !== 'increase') {
      ctx.addIssue({ code: 'custom', path: ['direction'], message: `${m.kind} metrics only support increase` });
    }
  });

export const wavegateTemplateSchema = z
  .object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal('AnalysisTemplate'),
    metadata: z
      .object({
        name: templateName,
        labels: z.record(z.string()).optional(),
        annotations: z.record(z.string()).optional(),
      })
      .strict(),
    spec: z
      .object({
        description: z.string().optional(),
        args: z.array(argSchema).default([]),
        metrics: z.array(metricSchema).min(1),
      })
      .strict(),
  })
  .strict();

export type WavegateTemplateDoc = z.infer<typeof wavegateTemplateSchema>;
export type WavegateMetricDoc = WavegateTemplateDoc['spec']['metrics'][number];
