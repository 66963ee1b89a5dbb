import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../src/core/analysis/model.js';
import type { ActionOutcome, RolloutAction } from '../../../src/core/rollout/actions.js';
import { advanceTime } from '../../../src/core/rollout/advance-time.js';
import { applyOutcome } from '../../../src/core/rollout/apply.js';
import { applyCommand, RolloutCommandRefused } from '../../../src/core/rollout/commands.js';
import { commitMessage } from '../../../src/core/rollout/commit-message.js';
import { decideAction } from '../../../src/core/rollout/decide.js';
import { newRollout, planProblems } from '../../../src/core/rollout/new-rollout.js';
import type { Rollout } from '../../../src/core/rollout/rollout.js';
import { analysedStep, fleet, plan } from '../../fixtures/rollout.js';

const MIN = 60_000;

/** A pretend world: Git always takes the commit, clusters converge at once, analyses answer `verdicts` in order. */
function world(verdicts: Verdict[]) {
  let sha = 0;
  let analysisN = 0;
  const queue = [...verdicts];
  return {
    commits: [] as Array<Extract<RolloutAction, { kind: 'commit' }>>,
    analysisRequests: [] as Array<Extract<RolloutAction, { kind: 'startAnalysis' }>>,
    perform(action: RolloutAction): ActionOutcome | null {
      switch (action.kind) {
        case 'readVersions':
          return { kind: 'versions', versions: Object.fromEntries(Object.keys(action.files).map((c) => [c, '1.4.1'])) };
        case 'checkGate':
          return { kind: 'gate', open: true, reason: 'budget fine' };
        case 'commit':
          this.commits.push(action);
          return { kind: 'committed', sha: `sha${++sha}`.padEnd(40, '0'), created: true };
        case 'checkConvergence':
          return { kind: 'convergence', pending: [] };
        case 'startAnalysis':
          this.analysisRequests.push(action);
          return { kind: 'analysisStarted', analysisId: `a${++analysisN}` };
        case 'readAnalysis':
          return { kind: 'analysis', analysisId: action.analysisId, verdict: queue.shift() ?? 'pass', headline: 'error rate 0.5% vs 0.5%' };
        default:
          return null;
      }
    },
  };
}

/** Runs the machine like a worker would, advancing the clock through waits, until it idles. */
function run(r: Rollout, w: ReturnType<typeof world>, start = 0, maxSteps = 500): { r: Rollout; now: number } {
  let now = start;
  for (let i = 0; i < maxSteps; i++) {
    r = advanceTime(r, now);
    const action = decideAction(r, now);
    if (action.kind === 'idle') return { r, now };
    if (action.kind === 'wait') {
      now = Math.max(now + 1, action.until);
      continue;
    }
    const outcome = w.perform(action);
    if (outcome) r = applyOutcome(r, action, outcome, now);
    now += 1000;
  }
  throw new Error('the rollout did not settle');
}

const start = (p = plan()) => newRollout({ id: 'r1', plan: p, fleet: fleet(), now: 0, by: 'alice' });

describe('the rollout state machine', () => {
  it('promotes a good release wave by wave to the end, one commit per batch', () => {
    const w = world(['pass', 'pass', 'pass']);
    const { r } = run(start(), w);
    expect(r.status).toBe('succeeded');
    expect(r.waves.map((x) => x.clusters)).toEqual([['eu-west-1a', 'eu-west-1b'], ['us-east-1a', 'us-east-1b'], ['ap-south-1a', 'ap-south-1b']]);
    expect(w.commits.map((c) => c.writes.map((x) => x.cluster))).toEqual([['eu-west-1a'], ['eu-west-1b'], ['us-east-1a'], ['us-east-1b'], ['ap-south-1a', 'ap-south-1b']]);
    expect(r.touched).toHaveLength(6);
    expect(r.analyses.map((a) => a.verdict)).toEqual(['pass', 'pass', 'pass']);
  });

  it('compares each wave with the clusters still on the old version, and the last wave with the earlier ones', () => {
    const w = world(['pass', 'pass', 'pass']);
    run(start(), w);
    expect(w.analysisRequests[0]!.canary).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(w.analysisRequests[0]!.control).toEqual(['us-east-1a', 'us-east-1b', 'ap-south-1a', 'ap-south-1b']);
    expect(w.analysisRequests[2]!.control).toEqual(['eu-west-1a', 'eu-west-1b', 'us-east-1a', 'us-east-1b']);
    expect(w.analysisRequests[0]!.alpha).toBeCloseTo(0.01 / 3);
  });

  it('rolls back every touched cluster in one commit when a wave fails', () => {
    const w = world(['pass', 'fail']);
    const { r } = run(start(), w);
    expect(r.status).toBe('rolledBack');
    const rollback = w.commits.at(-1)!;
    expect(rollback.action).toBe('rollback');
    expect(rollback.writes.map((x) => [x.cluster, x.version])).toEqual([
      ['eu-west-1a', '1.4.1'],
      ['eu-west-1b', '1.4.1'],
      ['us-east-1a', '1.4.1'],
      ['us-east-1b', '1.4.1'],
    ]);
    expect(w.commits.filter((c) => c.action === 'rollback')).toHaveLength(1);
    expect(r.events.some((e) => e.kind === 'rollback' && /wave aws, step judge failed/.test(e.why ?? ''))).toBe(true);
  });

  it('pauses on an inconclusive step and, when resumed, judges again under a new key', () => {
    const w = world(['inconclusive', 'pass', 'pass', 'pass']);
    let { r, now } = run(start(), w);
    expect(r.status).toBe('paused');
    expect(r.pausedReason).toMatch(/inconclusive/);
    r = applyCommand(r, { kind: 'resume', by: 'bob', why: 'traffic is back' }, now);
    ({ r } = run(r, w, now));
    expect(r.status).toBe('succeeded');
    const keys = w.analysisRequests.map((a) => a.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(r.events.find((e) => e.kind === 'resume')).toMatchObject({ by: 'bob', why: 'traffic is back' });
  });

  it('rolls back on inconclusive when the policy says so', () => {
    const { r } = run(start(plan({ policies: { ...plan().policies, onInconclusive: 'rollback' } })), world(['inconclusive']));
    expect(r.status).toBe('rolledBack');
  });

  it('ignores an outcome from an older epoch (a stale worker)', () => {
    let r = start();
    const stale = decideAction(r, 0);
    r = applyOutcome(r, stale, { kind: 'versions', versions: Object.fromEntries(r.waves.flatMap((x) => x.clusters).map((c) => [c, '1.4.1'])) }, 0);
    expect(applyOutcome(r, stale, { kind: 'versions', versions: {} }, 1)).toBe(r);
  });

  it('decides the same action again after a crash before the outcome was stored', () => {
    const w = world(['pass']);
    let r = start();
    for (let i = 0; i < 3; i++) r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    const before = decideAction(r, 1000);
    expect(before.kind).toBe('commit');
    expect(decideAction(structuredClone(r), 1000)).toEqual(before);
  });

  it('rolls back when clusters do not converge in time', () => {
    let r = start();
    const w = world([]);
    r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    expect(r.stage.kind).toBe('converge');
    r = applyOutcome(r, decideAction(r, 1000), { kind: 'convergence', pending: [{ cluster: 'eu-west-1a', reason: '0 of 3 replicas updated' }] }, 1000);
    r = advanceTime(r, 11 * MIN);
    expect(r.stage.kind).toBe('rollback');
    expect(r.stage.kind === 'rollback' && r.stage.reason).toMatch(/eu-west-1a did not run 1.4.2/);
  });

  it('waits for approval before a wave that asks for it, and records who approved', () => {
    const p = plan();
    p.waves[1] = { ...p.waves[1]!, approval: true };
    const w = world(['pass', 'pass', 'pass']);
    let { r, now } = run(start(p), w);
    expect(r.stage.kind).toBe('approval');
    expect(decideAction(r, now)).toMatchObject({ kind: 'idle', reason: 'waiting for approval of wave aws' });
    r = applyCommand(r, { kind: 'approve', by: 'carol', why: 'change window open' }, now);
    ({ r } = run(r, w, now));
    expect(r.status).toBe('succeeded');
    expect(r.events.find((e) => e.kind === 'approve')?.by).toBe('carol');
  });

  it('aborts by rolling back what was touched, or at once when nothing was', () => {
    expect(applyCommand(start(), { kind: 'abort', by: 'dan', why: 'wrong version' }, 0).status).toBe('aborted');
    const w = world(['pass']);
    let r = start();
    for (let i = 0; i < 3; i++) r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    r = applyCommand(r, { kind: 'abort', by: 'dan', why: 'wrong version' }, 0);
    expect(r.stage.kind).toBe('rollback');
    ({ r } = run(r, w));
    expect(r.status).toBe('aborted');
    expect(() => applyCommand(r, { kind: 'resume', by: 'dan', why: '' }, 0)).toThrow(RolloutCommandRefused);
  });

  it('lets a person promote past a step without waiting for its analysis', () => {
    let r = start(plan({ waves: [{ ...plan().waves[0]!, steps: [analysedStep({ bakeMs: 60 * MIN })] }] }));
    const w = world([]);
    while (r.stage.kind !== 'bake') {
      const a = decideAction(r, 0);
      const o = w.perform(a);
      if (o) r = applyOutcome(r, a, o, 0);
    }
    expect(r.stage.kind).toBe('bake');
    r = applyCommand(r, { kind: 'promote', by: 'erin', why: 'hotfix' }, 0);
    expect(r.status).toBe('succeeded');
  });

  it('waits at a closed budget gate and pauses when it stays closed past the step deadline', () => {
    let r = start(plan({ policies: { ...plan().policies, budgetGate: { templates: ['error-budget-burn'], args: { service: 'payments' } } } }));
    r = applyOutcome(r, decideAction(r, 0), { kind: 'versions', versions: Object.fromEntries(r.waves.flatMap((x) => x.clusters).map((c) => [c, '1.4.1'])) }, 0);
    expect(decideAction(r, 0).kind).toBe('checkGate');
    r = applyOutcome(r, decideAction(r, 0), { kind: 'gate', open: false, reason: 'row 14.4× over 1h and 5m fires' }, 0);
    expect(r.stage.kind).toBe('gate');
    r = advanceTime(r, 31 * MIN);
    expect(r.status).toBe('paused');
    expect(r.pausedReason).toMatch(/14.4×/);
  });
});

describe('pull-request mode', () => {
  it('pushes each change to its own branch and waits for the merge before converging', () => {
    const p = plan();
    p.git = { ...p.git, pullRequest: true };
    let r = start(p);
    const w = world(['pass', 'pass', 'pass']);
    while (r.stage.kind !== 'awaitMerge') r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    expect(w.commits[0]!.pullRequestBranch).toMatch(/^wavegate\/payments\/r1\/promote-eu-canary-e\d+$/);
    expect(r.touched).toEqual([]);
    const check = decideAction(r, 1000);
    expect(check.kind).toBe('checkMerged');
    r = applyOutcome(r, check, { kind: 'merged', pending: ['eu-west-1a'] }, 1000);
    expect(r.stage.kind).toBe('awaitMerge');
    r = applyOutcome(r, check, { kind: 'merged', pending: [] }, 2000);
    expect(r.stage.kind).toBe('converge');
    expect(r.touched).toEqual(['eu-west-1a']);
  });

  it('pauses when nobody merges within the step deadline', () => {
    const p = plan();
    p.git = { ...p.git, pullRequest: true };
    let r = start(p);
    const w = world([]);
    while (r.stage.kind !== 'awaitMerge') r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    r = advanceTime(r, 31 * MIN);
    expect(r.status).toBe('paused');
    expect(r.pausedReason).toMatch(/was not merged within 30 min/);
  });
});

describe('plan validation against the fleet', () => {
  it('names the field of every problem', () => {
    const p = plan();
    p.waves[0] = { ...p.waves[0]!, selector: { matchLabels: { zone: 'x' } } };
    p.waves[2] = { ...p.waves[2]!, selector: { matchLabels: { region: 'eu-west' } } };
    const problems = planProblems({ ...p, git: { ...p.git, pathTemplate: 'apps/payments/values.yaml' } }, fleet());
    expect(problems.map((x) => x.field)).toEqual(expect.arrayContaining(['waves[0].selector', 'waves[2].selector', 'git.pathTemplate']));
    expect(problems.find((x) => x.field === 'waves[0].selector')!.reason).toMatch(/no cluster has the label "zone"/);
  });

  it('refuses a step that cannot finish within the step deadline, or measures longer than it lasts', () => {
    const p = plan();
    p.waves[0] = { ...p.waves[0]!, steps: [analysedStep({ analysis: { ...analysedStep().analysis!, maxDurationMs: 60 * MIN } })] };
    p.waves[1] = { ...p.waves[1]!, steps: [analysedStep({ analysis: { ...analysedStep().analysis!, intervalMs: 20 * MIN, maxDurationMs: 10 * MIN } })] };
    const fields = planProblems(p, fleet()).map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['waves[0].steps[0].analysis.maxDuration', 'waves[1].steps[0].analysis.interval']));
  });

  it('accepts the demo plan', () => {
    expect(planProblems(plan(), fleet())).toEqual([]);
  });
});

describe('commit messages', () => {
  it('say what happened in the subject and carry parseable trailers', () => {
    const w = world(['pass']);
    let r = start();
    for (let i = 0; i < 3; i++) r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    const action = decideAction(r, 0);
    if (action.kind !== 'commit') throw new Error('expected a commit');
    const m = commitMessage(r, action, { explanationBaseUrl: 'https://wavegate.example' });
    expect(m.subject).toBe('wavegate: promote payments 1.4.2 to wave eu-canary (1 cluster)');
    expect(Object.fromEntries(m.trailers)).toMatchObject({ 'Wavegate-Rollout': 'r1', 'Wavegate-Wave': 'eu-canary', 'Wavegate-Action': 'promote' });
  });
});

describe('rolling back while a promotion may be in flight', () => {
  it('restores the batch being promoted too, since its commit may have landed', () => {
    let r = start();
    const w = world([]);
    r = applyOutcome(r, decideAction(r, 0), w.perform(decideAction(r, 0))!, 0);
    expect(r.stage.kind).toBe('promote');
    r = applyCommand(r, { kind: 'abort', by: 'dan', why: 'wrong version' }, 0);
    const rollback = decideAction(r, 0);
    expect(rollback).toMatchObject({ kind: 'commit', action: 'rollback' });
    expect(rollback.kind === 'commit' && rollback.writes.map((x) => [x.cluster, x.version, x.expect])).toEqual([['eu-west-1a', '1.4.1', ['1.4.2', '1.4.1']]]);
  });
});
