import { z } from 'zod';
import { argName, templateName } from './fields.js';

/**
 * The parts of an Argo Rollouts AnalysisTemplate / ClusterAnalysisTemplate (argoproj.io/v1alpha1)
 * that wavegate reads. Objects pass through unknown fields: these manifests are written for Argo,
 * and fields that only steer Argo's own scheduling (`interval`, `count`, `initialDelay`,
 * `consecutiveErrorLimit`, `dryRun`, `measurementRetention`, the provider's `address`, `timeout`,
 * `headers`, `authentication`) are deliberately ignored — wavegate schedules its own measurements and
 * only ever talks to the Prometheus it is configured with.
 */

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
export const ARGO_KINDS = ['AnalysisTemplate', 'ClusterAnalysisTemplate'] as const;

/** Argo's int-or-string counters (`failureLimit: "3"` is legal there). */
const intOrString = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/, 'must be a whole number (placeholders are not supported here)')
    .transform(Number),
]);

const argoArg = z
  .object({
    name: argName,
    value: z.union([z.string(), z.number()]).transform(String).optional(),
    // secretKeyRef / fieldRef are resolved by Argo inside the cluster; for wavegate the value must come with the request.
    valueFrom: z.record(z.unknown()).optional(),
  })
  .passthrough();

const argoMetric = z
  .object({
    name: z.string().min(1).max(253),
    successCondition: z.string().trim().min(1).optional(),
    failureCondition: z.string().trim().min(1).optional(),
    failureLimit: intOrString.optional(),
    inconclusiveLimit: intOrString.optional(),
    consecutiveSuccessLimit: intOrString.optional(),
    provider: z.record(z.unknown()),
  })
  .passthrough();

export const argoTemplateSchema = z
  .object({
    apiVersion: z.literal(ARGO_API_VERSION),
    kind: z.enum(ARGO_KINDS),
    metadata: z.object({ name: templateName }).passthrough(),
    spec: z
      .object({
        args: z.array(argoArg).default([]),
        metrics: z.array(argoMetric).min(1),
      })
      .passthrough(),
  })
  .passthrough();

/** The prometheus provider block, checked separately so a web or job metric gets a precise message. */
export const argoPrometheusProvider = z
  .object({
    query: z.string().trim().min(1),
    rangeQuery: z.unknown().optional(),
  })
  .passthrough();

export type ArgoTemplateDoc = z.infer<typeof argoTemplateSchema>;
