import { Redis } from 'ioredis';
import { createRedisAnalysisStore } from '../../src/adapters/store/redis-store.js';
import { createRedisRolloutStore } from '../../src/adapters/store/rollout-redis-store.js';
import { advanceTime } from '../../src/core/rollout/advance-time.js';
import { decideAction } from '../../src/core/rollout/decide.js';
import type { Rollout } from '../../src/core/rollout/rollout.js';
import { spawnIncarnation, type Incarnation } from './incarnation.js';
import { historyProblems, rolloutProblems } from './invariants.js';
import { describeStep, type KillStep } from './kill-steps.js';
import { HISTORY_MS, HISTORY_START, plan, type AppName, type CrashWorld } from './world.js';

export interface CrashRunOptions {
  label: string;
  world: CrashWorld;
  redisUrl: string;
  /** REDIS_PREFIX of this run: its rollouts, analyses, leases, locks and BullMQ queues. */
  prefix: string;
  prometheusUrl: string;
  app: AppName;
  /** The version of the run's n-th rollout (0-based): a run goes on with new rollouts until every step is taken. */
  version: (n: number) => string;
  expected: 'succeeded' | 'rolledBack';
  /** One incarnation per step, in order; one more runs the last rollout to its end. */
  steps: KillStep[];
  /** Simulated ms per real ms; the simulated clock starts at `simStart`. */
  rate: number;
  simStart: number;
  /** Real-time bound on the whole run. */
  budgetMs: number;
  maxRollouts: number;
  /**
   * `fresh`: each incarnation gets its own GIT_WORK_DIR; `kept`: every incarnation reuses one, as a
   * restarted container keeps its volume (and whatever a kill left in the clone).
   */
  workDir: 'fresh' | 'kept';
  /** How to run test/harness/rollout-process.ts (see `childCommand`). */
  command: string[];
}

export interface Kill {
  step: KillStep;
  /** How long the incarnation ran (real ms, from its start to its death). */
  aliveMs: number;
  /** Where the stored rollout stood when the process died, e.g. `promote aws`. */
  stage: string;
  /** What the stored rollout had to do next (`commit promote`, `readAnalysis`…): the action in flight. */
  action: string;
}

export interface CrashRunReport {
  label: string;
  rollouts: Rollout[];
  kills: Kill[];
  notTaken: KillStep[];
  incarnations: number;
  commits: { total: number; foundAgain: number };
  problems: string[];
  realMs: number;
  simMinutes: number;
}

/**
 * Runs rollouts of one app through a sequence of wavegate incarnations, each killed with SIGKILL as its
 * step says, until every step is taken and the last rollout has finished; checks every invariant the
 * moment each rollout finishes, and the branch's history at the end. The next incarnation is loaded
 * while the current one runs, so a restart costs only the app's start.
 */
export async function crashRun(o: CrashRunOptions): Promise<CrashRunReport> {
  const started = Date.now();
  const deadline = started + o.budgetMs;
  const clock = { base: o.simStart, t0: started, rate: o.rate };
  const simNow = () => clock.base + (Date.now() - clock.t0) * clock.rate;
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 2 });
  const rollouts = createRedisRolloutStore({ redis, prefix: o.prefix });
  const analyses = createRedisAnalysisStore({ redis, prefix: o.prefix });
  const pending = [...o.steps];
  const report: CrashRunReport = { label: o.label, rollouts: [], kills: [], notTaken: [], incarnations: 0, commits: { total: 0, foundAgain: 0 }, problems: [], realMs: 0, simMinutes: 0 };
  const keptDir = await o.world.remote.workDir();
  const debug = (line: string) => process.env.CRASH_DEBUG && console.log(`${o.label} ${line}`);

  const spawnNext = async (step: KillStep | undefined) => {
    report.incarnations++;
    const workDir = o.workDir === 'kept' ? keptDir : await o.world.remote.workDir();
    const env = childEnv({ ...o, workDir, clock, failpoints: step?.kind === 'failpoint' ? `${step.failpoint}:${step.pass}` : '' });
    return { inc: await spawnIncarnation(`${o.label}-${report.incarnations}`, o.command, env), step };
  };

  /** Submits the run's next rollout; null when the incarnation died first (unless the rollout got in). */
  const submit = async (port: number): Promise<string | null> => {
    const version = o.version(report.rollouts.length);
    let res: Response;
    try {
      res = await fetch(`http://127.0.0.1:${port}/api/v1/rollouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wavegate-user': 'crash-test' },
        body: JSON.stringify(plan(o.app, version)),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      return (await rollouts.list({ app: o.app, status: 'running' })).items[0]?.id ?? null;
    }
    if (res.status !== 201) throw new Error(`${o.label}: submitting ${o.app} ${version} answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const finished = async (id: string | null): Promise<Rollout | null> => {
    const r = id === null ? null : await rollouts.get(id);
    return r && r.status !== 'running' ? r : null;
  };
  const conclude = async (r: Rollout) => {
    const { problems, commits } = await rolloutProblems(o.world, r, analyses, o.expected);
    report.rollouts.push(r);
    report.commits.total += commits.length;
    report.commits.foundAgain += r.commits.filter((c) => !c.created).length;
    report.problems.push(...problems.map((p) => `${o.app} ${r.version}: ${p}`));
    debug(`rollout ${r.version} ${r.status}; ${problems.length} problems`);
  };
  const recordDeath = async (inc: Incarnation, step: KillStep | undefined, rolloutId: string | null, aliveMs: number) => {
    const exit = await inc.exited;
    if (exit.signal !== 'SIGKILL' || !step) throw new Error(`${inc.name} (step ${describeStep(step)}) died unbidden (${exit.code ?? exit.signal}):\n${inc.output()}`);
    const r = rolloutId === null ? null : await rollouts.get(rolloutId);
    const stage = r ? `${r.stage.kind}${'wave' in r.stage ? ` ${r.waves[r.stage.wave]!.name}` : ''}` : 'between rollouts';
    report.kills.push({ step, aliveMs, stage, action: r ? actionInFlight(r, simNow()) : 'none' });
    pending.shift();
    debug(`${inc.name} (${describeStep(step)}) died after ${aliveMs} ms at ${stage}`);
  };

  let next = spawnNext(pending[0]);
  let current: Incarnation | null = null;
  let rolloutId: string | null = null;
  try {
    for (;;) {
      const { inc, step } = await next;
      current = inc;
      const startedAt = Date.now();
      // A failpoint may fire while the app starts (a due analysis tick, a rollout to resume): a kill too.
      const port = await inc.start().catch(() => null);
      next = spawnNext(step ? pending[1] : pending[0]);
      for (let died = false; !died; ) {
        if (Date.now() > deadline) throw new Error(`${o.label}: not done within ${o.budgetMs} ms (${report.kills.length} kills so far)`);
        if (simNow() > HISTORY_START + HISTORY_MS) throw new Error(`${o.label}: the simulated clock ran past the backfilled history`);
        if (rolloutId === null && port !== null && inc.alive()) rolloutId = await submit(port);
        const id = rolloutId;
        const outcome = await waitFor(inc, async () => {
          const r = id === null ? null : await rollouts.get(id);
          if (r && r.status !== 'running') return 'finished';
          if (step?.kind === 'stage' && r?.stage.kind === step.stage) return 'kill';
          if (step?.kind === 'timer' && Date.now() >= startedAt + step.afterMs) return 'kill';
          return null;
        });
        if (outcome === 'kill') await inc.kill();
        died = !inc.alive();
        if (died) await recordDeath(inc, step, rolloutId, Date.now() - startedAt);
        const done = await finished(rolloutId);
        if (!done) continue;
        await conclude(done);
        rolloutId = null; // the next rollout is submitted at the top of the loop, to whichever incarnation lives
        if (pending.length === 0 || report.rollouts.length >= o.maxRollouts) {
          await inc.stop();
          report.notTaken.push(...pending);
          return report;
        }
      }
    }
  } finally {
    await Promise.all([current?.kill(), next.then(({ inc }) => inc.stop(), () => undefined)]);
    report.problems.push(...(await historyProblems(o.world.remote)));
    report.realMs = Date.now() - started;
    report.simMinutes = Math.round((simNow() - o.simStart) / 60_000);
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** The environment of one incarnation (see test/harness/rollout-process.ts). */
export function childEnv(o: {
  world: CrashWorld;
  redisUrl: string;
  prefix: string;
  prometheusUrl: string;
  workDir: string;
  clock: { base: number; t0: number; rate: number };
  failpoints?: string;
  leaseTtlMs?: number;
}): Record<string, string> {
  return {
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: o.prefix,
    PROMETHEUS_URL: o.prometheusUrl,
    ...o.world.env,
    GIT_WORK_DIR: o.workDir,
    ROLLOUT_POLL: '100ms',
    LOG_LEVEL: 'warn',
    WG_CLOCK: `${o.clock.base},${o.clock.t0},${o.clock.rate}`,
    // Leases and locks a killed process leaves behind expire soon, so its successor is not kept waiting.
    WG_LEASE_TTL_MS: String(o.leaseTtlMs ?? 1000),
    WG_GIT_LOCK_TTL_MS: '2000',
    WG_LOCK_MS: '1000',
    WG_STALLED_MS: '500',
    WG_RECONCILE_MS: '1000',
    WAVEGATE_FAILPOINTS: o.failpoints ?? '',
  };
}

/** The action the stored rollout calls for now (what a killed process was doing, or about to redo). */
function actionInFlight(r: Rollout, now: number): string {
  const action = decideAction(advanceTime(r, now), now);
  return action.kind === 'commit' ? `commit ${action.action}` : action.kind;
}

/** Polls `check` every 50 ms until it answers, or until the incarnation dies. */
async function waitFor<T extends string>(inc: Incarnation, check: () => Promise<T | null>): Promise<T | 'died'> {
  let over = false;
  const polled = (async () => {
    while (!over) {
      const answer = await check().catch(() => null);
      if (answer !== null) return answer;
      await new Promise((r) => setTimeout(r, 50));
    }
    return 'died' as const;
  })();
  const outcome = await Promise.race([inc.exited.then(() => 'died' as const), polled]);
  over = true;
  return outcome;
}
