import { afterAll, beforeAll, describe, it } from 'vitest';
import { mulberry32 } from '../../src/core/stats/random.js';
import { FAILPOINTS } from '../../src/telemetry/failpoints.js';
import { crashRun, type CrashRunOptions, type CrashRunReport } from './drive.js';
import { betweenAnalysisAndRecord, everyFailpoint, randomKills } from './kill-steps.js';
import { summary } from './summary.js';
import { startCrashServices, type CrashServices } from './services.js';
import { createWorld, HISTORY_START, MIN } from './world.js';

/**
 * Crash safety, with real processes: wavegate runs as a child process (test/harness/rollout-process.ts)
 * over a real Git remote, the test Kubernetes API server, a real Prometheus and a real Redis, and is
 * killed with SIGKILL — at each failpoint (src/telemetry/failpoints.ts) on its first, second and a
 * later pass, between starting an analysis and recording it, and at random moments — then restarted,
 * until its rollouts finish. After each rollout the Git remote and the stores must show the right
 * outcome, no commit made twice, none lost, no wave promoted before the verdict on the wave before
 * it, and every interval measured once; at the end, a branch that only ever moved forward. A fast
 * clock (2 simulated minutes per real second) runs the rollouts over backfilled history. The runs
 * mostly wait (on Git, on clusters, on the clock), so they run side by side.
 */
const RATE = 120;

let services: CrashServices;

beforeAll(async () => {
  services = await startCrashServices();
}, 60_000);

afterAll(async () => {
  await services?.stop();
});

type RunOptions = Omit<CrashRunOptions, 'world' | 'redisUrl' | 'prometheusUrl' | 'rate' | 'simStart' | 'budgetMs' | 'command'>;

async function run(options: RunOptions): Promise<CrashRunReport> {
  const world = await createWorld();
  try {
    const report = await crashRun({ ...options, world, redisUrl: services.redisUrl, prometheusUrl: services.prometheusUrl, command: services.command, rate: RATE, simStart: HISTORY_START + 5 * MIN, budgetMs: 170_000 });
    console.log(summary(report));
    return report;
  } finally {
    await world.close();
  }
}

const killedAt = (r: CrashRunReport) => r.kills.flatMap((k) => (k.step.kind === 'failpoint' ? [`${k.step.failpoint}:${k.step.pass}`] : []));

describe.concurrent('a wavegate process killed with SIGKILL and restarted', () => {
  it('takes a good release to success whatever failpoint it dies at, making each commit once', async ({ expect }) => {
    const steps = [...everyFailpoint((f) => (f.startsWith('git.') ? 3 : 5)), ...betweenAnalysisAndRecord];
    const report = await run({ label: 'good/failpoints', prefix: 'crash-good:', app: 'payments', version: (n) => `1.5.${n}`, expected: 'succeeded', steps, maxRollouts: 6, workDir: 'fresh' });
    expect(report.problems).toEqual([]);
    expect(report.notTaken).toEqual([]);
    expect(new Set(killedAt(report)).size).toBe(FAILPOINTS.length * 3);
    expect(report.rollouts.map((r) => r.status)).toEqual(report.rollouts.map(() => 'succeeded'));
    // A kill between a push and the state write was followed by a replay that found the commit.
    expect(report.commits.foundAgain).toBeGreaterThan(0);
  }, 180_000);

  it('rolls a bad release back in exactly one commit whatever failpoint it dies at', async ({ expect }) => {
    const steps = [...everyFailpoint((f) => (f.startsWith('git.') ? 3 : 5)), ...betweenAnalysisAndRecord];
    const report = await run({ label: 'bad/failpoints', prefix: 'crash-bad:', app: 'orders', version: (n) => `2.0.${n}`, expected: 'rolledBack', steps, maxRollouts: 12, workDir: 'fresh' });
    expect(report.problems).toEqual([]);
    expect(report.notTaken).toEqual([]);
    expect(new Set(killedAt(report)).size).toBe(FAILPOINTS.length * 3);
    expect(report.rollouts.map((r) => r.status)).toEqual(report.rollouts.map(() => 'rolledBack'));
  }, 180_000);

  it('takes a good release to success through twelve kills at random moments, its Git work dir kept like a container volume', async ({ expect }) => {
    const steps = randomKills(12, mulberry32(20261121), 100, 3_000);
    const report = await run({ label: 'good/random', prefix: 'crash-random:', app: 'payments', version: (n) => `1.6.${n}`, expected: 'succeeded', steps, maxRollouts: 3, workDir: 'kept' });
    expect(report.problems).toEqual([]);
    expect(report.kills).toHaveLength(12);
    expect(report.rollouts.map((r) => r.status)).toEqual(report.rollouts.map(() => 'succeeded'));
  }, 180_000);
});
