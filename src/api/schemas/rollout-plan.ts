import { z } from 'zod';
import { parseDurationMs } from '../../config.js';
import type { RolloutPlan } from '../../core/rollout/plan.js';

const duration = (max = 7 * 86_400_000) =>
  z.string().trim().transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === null || ms > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: ms === null ? `"${v}" is not a duration (e.g. 30s, 5m, 1h)` : `must be at most ${max / 1000}s` });
      return z.NEVER;
    }
    return ms;
  });

const name = z.string().trim().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'lower-case letters, digits, - and . (a Kubernetes name)').max(253);
const labelKey = z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'a Kubernetes label key');
const labels = z.record(labelKey, z.string().max(63));
/** Prometheus label names (for in-cluster canary/baseline scopes). */
const promLabel = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');

const Selector = z
  .object({
    matchLabels: labels.optional(),
    matchExpressions: z.array(z.object({ key: labelKey, operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string().max(63)).max(100).optional() }).strict()).max(20).optional(),
  })
  .strict()
  .refine((s) => (s.matchLabels && Object.keys(s.matchLabels).length > 0) || (s.matchExpressions && s.matchExpressions.length > 0), 'a wave needs matchLabels or matchExpressions');

const Analysis = z
  .object({
    templates: z.array(z.string().trim().min(1)).min(1).max(20),
    args: z.record(z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
    interval: duration(86_400_000).refine((ms) => ms >= 1000, 'must be at least 1s').default('1m'),
    maxDuration: duration().default('30m'),
    baseline: z.union([z.literal('control'), z.object({ labels: z.object({ canary: z.record(promLabel, z.string().min(1)), baseline: z.record(promLabel, z.string().min(1)) }).strict() }).strict()]).default('control'),
  })
  .strict();

const Step = z
  .object({
    name: z.string().trim().min(1).max(63).default('analysis'),
    bake: duration().default('0s'),
    analysis: Analysis.optional(),
  })
  .strict();

const Wave = z
  .object({
    name,
    selector: Selector,
    maxParallel: z.union([z.number().int().min(1).max(10_000), z.string().regex(/^([1-9]\d?|100)%$/, 'a count or a percentage such as 25%')]).default('100%'),
    approval: z.boolean().default(false),
    steps: z.array(Step).min(1, 'a wave needs at least one step').max(20),
  })
  .strict();

export const RolloutPlanSpec = z
  .object({
    app: name,
    version: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9._+-]+$/, 'letters, digits and . _ + - only'),
    git: z
      .object({
        repo: z.string().trim().min(1).max(100),
        branch: z.string().trim().min(1).max(255).regex(/^(?!.*\.\.)(?!\/)[A-Za-z0-9._/-]+(?<!\/)$/, 'a Git branch name').default('main'),
        path: z.string().trim().min(1).max(512).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the repository'),
        field: z.string().trim().min(1).max(256).regex(/^[A-Za-z0-9_-]+(\[\d+\])*(\.[A-Za-z0-9_-]+(\[\d+\])*)*$/, 'a dot path such as image.tag or containers[0].tag').optional(),
        kustomizeImage: z.string().trim().min(1).max(256).optional(),
        pullRequest: z.boolean().default(false),
      })
      .strict()
      .refine((g) => (g.field === undefined) !== (g.kustomizeImage === undefined), 'set exactly one of field and kustomizeImage'),
    workload: z.object({ namespace: name, kind: z.enum(['Deployment', 'Rollout']).default('Deployment'), name }).strict(),
    waves: z.array(Wave).min(1, 'a plan needs at least one wave').max(50),
    policies: z
      .object({
        onInconclusive: z.enum(['pause', 'rollback']).default('pause'),
        minStepTime: duration().default('0s'),
        maxStepTime: duration().default('1h'),
        convergenceTimeout: duration().default('15m'),
        budgetGate: z.object({ templates: z.array(z.string().trim().min(1)).min(1), args: z.record(z.union([z.string(), z.number()]).transform(String)).default({}) }).strict().optional(),
        alpha: z.number().min(1e-6).max(0.2).default(0.01),
      })
      .strict()
      .default({}),
  })
  .strict();

const RolloutPlanDocument = z
  .object({ apiVersion: z.literal('wavegate.dev/v1alpha1'), kind: z.literal('RolloutPlan'), metadata: z.object({ name: z.string().optional() }).passthrough().optional(), spec: RolloutPlanSpec })
  .strict();

/**
 * Parses a whole document (`kind: RolloutPlan` with a `spec`) or the bare spec. Not a zod union, so
 * that a 400 names the exact field (`spec.waves[0].selector`) instead of "invalid input".
 */
export function parseRolloutPlan(body: unknown): RolloutPlan {
  const isDocument = typeof body === 'object' && body !== null && 'spec' in body;
  const s = isDocument ? RolloutPlanDocument.parse(body).spec : RolloutPlanSpec.parse(body);
  return toRolloutPlan(s);
}

function toRolloutPlan(s: z.output<typeof RolloutPlanSpec>): RolloutPlan {
  return {
    app: s.app,
    version: s.version,
    git: {
      repo: s.git.repo,
      branch: s.git.branch,
      pathTemplate: s.git.path,
      target: s.git.field !== undefined ? { kind: 'yamlField', field: s.git.field } : { kind: 'kustomizeImage', image: s.git.kustomizeImage! },
      pullRequest: s.git.pullRequest,
    },
    workload: s.workload,
    waves: s.waves.map((w) => ({
      name: w.name,
      selector: { ...(w.selector.matchLabels ? { matchLabels: w.selector.matchLabels } : {}), ...(w.selector.matchExpressions ? { matchExpressions: w.selector.matchExpressions } : {}) },
      maxParallel: w.maxParallel as number | `${number}%`,
      approval: w.approval,
      steps: w.steps.map((st) => ({
        name: st.name,
        bakeMs: st.bake,
        analysis: st.analysis
          ? {
              templates: st.analysis.templates,
              args: st.analysis.args,
              intervalMs: st.analysis.interval,
              maxDurationMs: st.analysis.maxDuration,
              baseline: st.analysis.baseline === 'control' ? { kind: 'control' as const } : { kind: 'labels' as const, ...st.analysis.baseline.labels },
            }
          : null,
      })),
    })),
    policies: {
      onInconclusive: s.policies.onInconclusive,
      minStepMs: s.policies.minStepTime,
      maxStepMs: s.policies.maxStepTime,
      convergenceTimeoutMs: s.policies.convergenceTimeout,
      budgetGate: s.policies.budgetGate ?? null,
      alpha: s.policies.alpha,
    },
  };
}
