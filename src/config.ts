import os from 'node:os';
import { z } from 'zod';

/** Durations in the environment: `30s`, `5m`, `1h`, or a number of milliseconds. */
const duration = z.string().trim().transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === null) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a duration (use e.g. 30s, 5m, 1h)` });
    return z.NEVER;
  }
  return ms;
});

const url = z.string().trim().url();

/**
 * Every setting of the service, read from the environment once in `main.ts` (never at import time).
 * Each variable is documented in README.md.
 */
const ConfigSchema = z.object({
  /** HTTP port of the API. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Address to listen on. */
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** Prometheus base URL; may carry basic-auth (it is never logged). */
  PROMETHEUS_URL: url.default('http://localhost:9090'),
  /** Bearer token for Prometheus, if it needs one (never logged). */
  PROMETHEUS_BEARER_TOKEN: z.string().optional(),
  /** Timeout of one Prometheus call. */
  PROMETHEUS_TIMEOUT: duration.default('10s'),
  /** Unset = in-memory store and in-process jobs. */
  REDIS_URL: z.string().trim().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Prefix of every Redis key, so several installations can share one Redis. */
  REDIS_PREFIX: z.string().trim().min(1).default('wavegate:'),
  /** Folder of AnalysisTemplate YAML files. */
  TEMPLATES_DIR: z.string().trim().min(1).default('./analysis-templates'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** When set, every /api route needs `Authorization: Bearer <token>` (Flagger may send it in metadata.token). */
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Grafana base URL for Explore links in explanations. */
  GRAFANA_URL: url.optional(),
  /** Grafana datasource uid of this Prometheus, for Explore links. */
  GRAFANA_DATASOURCE: z.string().trim().min(1).default('prometheus'),
  /** Public base URL of this service, for explanation links (defaults to the request's host). */
  PUBLIC_URL: url.optional(),
  /** Wait after an interval ends before measuring it, so the last scrape has landed. */
  SETTLE_DELAY: duration.default('0s'),
  /** How often the in-process scheduler looks for due ticks. */
  SCHEDULER_POLL: duration.default('1s'),
  /** False-fail budget of an analysis unless the request sets its own. */
  DEFAULT_ALPHA: z.coerce.number().gt(0).lt(0.5).default(0.01),
  /** Largest accepted request body. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  /** Fleet file (clusters, labels, kube contexts, Prometheus scope); with GIT_REPOS_FILE it enables rollouts. */
  FLEET_FILE: z.string().trim().min(1).optional(),
  /** Git repositories wavegate may commit to; tokens are named by environment variable, never inline. */
  GIT_REPOS_FILE: z.string().trim().min(1).optional(),
  /** Where this process keeps its working clones (private to the process). */
  GIT_WORK_DIR: z.string().trim().min(1).optional(),
  /** kubeconfig with one context per cluster of the fleet (default: the usual KUBECONFIG lookup). */
  KUBECONFIG: z.string().trim().min(1).optional(),
  /** How often active rollouts are looked at. */
  ROLLOUT_POLL: duration.default('2s'),
  /** Name of this process in leases. */
  INSTANCE_ID: z.string().trim().min(1).default(`${os.hostname()}-${process.pid}`),
}).superRefine((c, ctx) => {
  if ((c.FLEET_FILE === undefined) !== (c.GIT_REPOS_FILE === undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [c.FLEET_FILE ? 'GIT_REPOS_FILE' : 'FLEET_FILE'], message: 'rollouts need both FLEET_FILE and GIT_REPOS_FILE' });
  }
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError listing every bad variable with its reason. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1m30s`, `500ms`, `2h`, or plain milliseconds; null when it is not a duration. */
export function parseDurationMs(text: string): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === t.length && pos > 0 ? Math.round(total) : null;
}
