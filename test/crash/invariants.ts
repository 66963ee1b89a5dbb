import type { Analysis } from '../../src/core/analysis/model.js';
import type { AnalysisStore } from '../../src/core/analysis/analysis-store.js';
import type { Rollout } from '../../src/core/rollout/rollout.js';
import { git, valuesFile, type TestRemote } from '../harness/git.js';
import { CLUSTERS, filePath, type CrashWorld } from './world.js';

/**
 * What a crash must never break, read from the Git remote and the Redis stores after a rollout has
 * finished. Each check returns the problems it found (empty when all is well), in words a failing
 * test can print as they are.
 */

export interface GitCommit {
  sha: string;
  /** Committer date, seconds (wavegate writes its clock into it). */
  seconds: number;
  trailers: Map<string, string>;
  /** Clusters whose file of the rollout's app the commit changed. */
  clusters: string[];
}

const trailer = (c: GitCommit, key: string) => c.trailers.get(key) ?? '';

/** The rollout's commits on the branch, oldest first. */
export async function commitsOf(remote: TestRemote, r: Rollout): Promise<GitCommit[]> {
  const dates = new Map(
    (await git(remote.bare, ['log', '--first-parent', '--format=%H %ct', remote.branch])).stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
  const ours = (await remote.log()).filter((c) => c.trailers.some(([k, v]) => k === 'Wavegate-Rollout' && v === r.id)).reverse();
  return Promise.all(
    ours.map(async (c) => {
      const files = (await git(remote.bare, ['diff-tree', '--no-commit-id', '--name-only', '-r', c.sha])).stdout.split('\n').filter(Boolean);
      return {
        sha: c.sha,
        seconds: Number(dates.get(c.sha)),
        trailers: new Map(c.trailers),
        clusters: CLUSTERS.filter((cl) => files.includes(filePath(r.app, cl))),
      };
    }),
  );
}

/** No two commits make the same change: same Rollout/Wave/Action/Epoch trailers, or a promote of the same batch. */
export function duplicateCommits(commits: GitCommit[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const c of commits) {
    const id = ['Wavegate-Rollout', 'Wavegate-Wave', 'Wavegate-Action', 'Wavegate-Epoch'].map((k) => trailer(c, k)).join(' ');
    if (seen.has(id)) problems.push(`duplicate commit ${c.sha.slice(0, 10)}: same trailers (${id}) as ${seen.get(id)!.slice(0, 10)}`);
    seen.set(id, c.sha);
  }
  const batches = new Map<string, string>();
  for (const c of commits.filter((x) => trailer(x, 'Wavegate-Action') === 'promote')) {
    const batch = `${trailer(c, 'Wavegate-Wave')}:${c.clusters.join(',')}`;
    if (batches.has(batch)) problems.push(`batch ${batch} promoted twice: ${batches.get(batch)!.slice(0, 10)} and ${c.sha.slice(0, 10)}`);
    batches.set(batch, c.sha);
  }
  return problems;
}

/**
 * Nothing lost: what Git holds is what the rollout's outcome says — every cluster on the new version
 * after success; after a rollback, every cluster back on its version from before, by exactly one
 * rollback commit — and the rollout's record of its commits is the commits in Git, each once.
 */
export async function lostCommits(world: CrashWorld, r: Rollout, commits: GitCommit[]): Promise<string[]> {
  const problems: string[] = [];
  const inRollout = r.waves.flatMap((w) => w.clusters);
  const want = (c: string) => (r.status === 'succeeded' ? r.version : r.previous[c]!);
  for (const c of inRollout) {
    const text = await world.remote.readFile(filePath(r.app, c));
    if (text !== valuesFile(c, want(c))) problems.push(`${filePath(r.app, c)} does not name ${want(c)} byte for byte after ${r.status}`);
  }
  const promoted = commits.filter((c) => trailer(c, 'Wavegate-Action') === 'promote').flatMap((c) => c.clusters);
  const rollbacks = commits.filter((c) => trailer(c, 'Wavegate-Action') === 'rollback');
  if (r.status === 'succeeded') {
    if (promoted.slice().sort().join() !== inRollout.slice().sort().join()) problems.push(`promoted ${promoted.join(', ')}; the waves hold ${inRollout.join(', ')}`);
    if (rollbacks.length > 0) problems.push(`${rollbacks.length} rollback commit(s) in a succeeded rollout`);
  } else {
    if (rollbacks.length !== 1) problems.push(`${rollbacks.length} rollback commits, not exactly one`);
    const restored = rollbacks[0]?.clusters ?? [];
    if (restored.slice().sort().join() !== [...new Set(promoted)].sort().join()) problems.push(`the rollback restored ${restored.join(', ') || 'nothing'}; promoted were ${promoted.join(', ')}`);
  }
  const recorded = r.commits.map((c) => c.sha);
  if (new Set(recorded).size !== recorded.length) problems.push(`the rollout records a commit twice: ${recorded.join(', ')}`);
  const inGit = commits.map((c) => c.sha);
  if (recorded.join() !== inGit.join()) problems.push(`recorded commits ${recorded.map((s) => s.slice(0, 10)).join(', ')} ≠ commits in Git ${inGit.map((s) => s.slice(0, 10)).join(', ')}`);
  return problems;
}

/**
 * No wave promoted without its verdict: every promote commit of wave k > 0 names, in its trailers, a
 * `pass` analysis of wave k−1 that was decided before the commit, and comes after every promote of
 * wave k−1; a rollback follows a failed analysis (or a deadline the rollout recorded).
 */
export async function promotionsWithoutVerdict(r: Rollout, commits: GitCommit[], analyses: AnalysisStore): Promise<string[]> {
  const problems: string[] = [];
  const waveIndex = (name: string) => r.waves.findIndex((w) => w.name === name);
  let highestWave = 0;
  for (const c of commits) {
    const action = trailer(c, 'Wavegate-Action');
    const k = waveIndex(trailer(c, 'Wavegate-Wave'));
    if (action === 'promote') {
      if (k < highestWave) problems.push(`${c.sha.slice(0, 10)} promotes wave ${k} after wave ${highestWave} was promoted`);
      highestWave = Math.max(highestWave, k);
      if (k === 0) continue;
      const a = await analyses.get(trailer(c, 'Wavegate-Analysis'));
      const recorded = r.analyses.find((x) => x.analysisId === a?.id);
      if (!a || trailer(c, 'Wavegate-Verdict') !== 'pass' || a.verdict !== 'pass' || recorded?.wave !== r.waves[k - 1]!.name) {
        problems.push(`${c.sha.slice(0, 10)} promotes wave ${r.waves[k]!.name} without a pass of wave ${r.waves[k - 1]!.name} (trailer analysis ${trailer(c, 'Wavegate-Analysis') || 'none'}: ${a?.verdict ?? 'not found'})`);
      } else if (a.decidedAt === null || Math.floor(a.decidedAt / 1000) > c.seconds) {
        problems.push(`${c.sha.slice(0, 10)} promotes wave ${r.waves[k]!.name} before its verdict was reached`);
      }
    } else if (action === 'rollback') {
      const failed = r.analyses.some((x) => x.verdict === 'fail') || r.events.some((e) => e.kind === 'rollback');
      if (!failed) problems.push(`${c.sha.slice(0, 10)} rolls back without a failed verdict or a recorded reason`);
    }
  }
  return problems;
}

/** Every analysis the rollout started: recorded once, one per step, each interval measured once. */
export async function analysisProblems(r: Rollout, store: AnalysisStore): Promise<string[]> {
  const problems: string[] = [];
  const mine: Analysis[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await store.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    mine.push(...page.items.filter((a) => a.request.source === `rollout:${r.id}`));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const recorded = r.analyses.map((a) => a.analysisId);
  if (new Set(recorded).size !== recorded.length) problems.push(`the rollout records an analysis twice`);
  for (const a of mine) if (!recorded.includes(a.id)) problems.push(`analysis ${a.key} was started but the rollout does not know it`);
  const steps = mine.map((a) => (a.key ?? '').replace(/:epoch:\d+$/, ''));
  if (new Set(steps).size !== steps.length) problems.push(`more than one analysis for one step: ${steps.join(', ')}`);
  for (const a of mine) {
    const ends = a.measurements.map((m) => `${m.metric}@${m.end}`);
    const twice = ends.filter((e, i) => ends.indexOf(e) !== i);
    if (twice.length > 0) problems.push(`analysis ${a.key} measured ${[...new Set(twice)].join(', ')} twice`);
  }
  for (const a of r.analyses) {
    const stored = mine.find((m) => m.id === a.analysisId);
    if (a.verdict !== null && stored?.verdict !== a.verdict) problems.push(`analysis ${a.analysisId}: rollout says ${a.verdict}, store says ${stored?.verdict}`);
  }
  return problems;
}

/** The branch only ever moved forward: every value it held is an ancestor of the last, and no merges. */
export async function historyProblems(remote: TestRemote): Promise<string[]> {
  const heads = await remote.refHistory();
  const last = heads.at(-1)!;
  const problems: string[] = [];
  for (const h of heads) if (!(await remote.isAncestor(h, last))) problems.push(`the branch once held ${h.slice(0, 10)}, which is not an ancestor of ${last.slice(0, 10)}: a force-push`);
  const merges = await remote.mergeCommits();
  if (merges.length > 0) problems.push(`merge commits on the branch: ${merges.join(', ')}`);
  return problems;
}

/** All the per-rollout checks, run the moment a rollout has finished. */
export async function rolloutProblems(world: CrashWorld, r: Rollout, analyses: AnalysisStore, expected: Rollout['status']): Promise<{ problems: string[]; commits: GitCommit[] }> {
  const commits = await commitsOf(world.remote, r);
  const problems = [
    ...(r.status === expected ? [] : [`rollout ${r.id} ended ${r.status}, not ${expected} (${r.events.at(-1)?.why ?? r.events.at(-1)?.detail ?? ''})`]),
    ...duplicateCommits(commits),
    ...(await lostCommits(world, r, commits)),
    ...(await promotionsWithoutVerdict(r, commits, analyses)),
    ...(await analysisProblems(r, analyses)),
  ];
  return { problems, commits };
}
