import type { RolloutView, WavegateClient } from './api-client.js';
import type { Narrator } from './narrator.js';

const FINAL = ['succeeded', 'rolledBack', 'aborted', 'failed'];

export interface FollowOptions {
  pollMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** `git log -1 --format=%s` of a commit in the fleet repo. */
  subjectOf: (sha: string) => Promise<string>;
  /** Give up on a rollout that pauses (the demo's plans never need a person). */
  stopWhenPaused?: boolean;
}

/**
 * Follows a rollout through the API until it finishes, telling its story: waves starting, each
 * commit (with its subject from the fleet repo), convergence, each analysis verdict with its
 * headline, the rollback. Resolves with the final rollout.
 */
export async function followRollout(client: WavegateClient, id: string, say: Narrator, opts: FollowOptions): Promise<RolloutView> {
  const deadline = Date.now() + opts.timeoutMs;
  let seenEvents = 0;
  const seenAnalyses = new Map<string, string | null>();
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = await client.rollout(id);
    const analyses = () => {
      for (const a of r.analyses) {
        if (!seenAnalyses.has(a.analysisId)) {
          seenAnalyses.set(a.analysisId, null);
          say.say('analysis', `${a.wave}: judging ${clustersOf(r, a.wave).join(', ')} against the control group (${controlOf(r, a.wave).join(', ')})`);
        }
        if (a.verdict !== null && seenAnalyses.get(a.analysisId) === null) {
          seenAnalyses.set(a.analysisId, a.verdict);
          say.say('analysis', `${a.wave}: ${a.headline ?? a.verdict}`);
        }
      }
    };
    for (const e of r.events.slice(seenEvents)) {
      // A verdict comes before what it causes (the next wave, a rollback, a pause).
      if (['stepPassed', 'rollback', 'paused'].includes(e.kind)) analyses();
      await tell(r, e, say, opts);
    }
    seenEvents = r.events.length;
    analyses();
    if (FINAL.includes(r.status) || (opts.stopWhenPaused && r.status === 'paused')) return r;
    if (Date.now() > deadline) throw new Error(`rollout ${id} did not finish within ${Math.round(opts.timeoutMs / 1000)} s (status ${r.status}, stage ${r.stage.kind})`);
    await sleep(opts.pollMs, opts.signal);
  }
}

async function tell(r: RolloutView, e: RolloutView['events'][number], say: Narrator, opts: FollowOptions): Promise<void> {
  switch (e.kind) {
    case 'submitted':
    case 'stepPassed': // the analysis line says it, with the headline
      return;
    case 'waveStarted': {
      const wave = r.waves.find((w) => w.name === e.detail);
      const batches = wave && wave.batches.length > 1 ? `, ${wave.batches.length} batches of ${wave.batches[0]!.length}` : '';
      say.say('wavegate', `wave ${e.detail} starts: ${wave?.clusters.map((c) => c.name).join(', ') ?? '?'}${batches}`);
      return;
    }
    case 'promoted':
    case 'rolledBackInGit': {
      const short = /at ([0-9a-f]{7,40})$/.exec(e.detail ?? '')?.[1];
      const commit = short ? r.commits.find((c) => c.sha.startsWith(short)) : undefined;
      if (!commit) return say.say('git', `${e.kind}: ${e.detail ?? ''}`);
      const subject = await opts.subjectOf(commit.sha).catch(() => '(subject unavailable)');
      say.say('git', `${commit.sha.slice(0, 7)} ${subject}${commit.created ? '' : ' (already there)'}`);
      return;
    }
    case 'converged':
      say.say('wavegate', `converged: ${e.detail} run ${r.version}`);
      return;
    case 'wavePassed':
      say.say('wavegate', `wave ${e.detail} passed`);
      return;
    case 'rollback': {
      const headline = r.analyses.find((a) => a.verdict === 'fail')?.headline;
      const why = headline && e.why ? e.why.replace(`: ${headline}`, '') : e.why;
      say.say('wavegate', `ROLLBACK: ${why ?? 'no reason given'}`);
      return;
    }
    case 'succeeded':
      say.say('wavegate', `SUCCEEDED: ${e.detail ?? `${r.app} ${r.version} runs everywhere`}`);
      return;
    case 'rolledBack':
      say.say('wavegate', `ROLLED BACK: every touched cluster runs its previous version again`);
      return;
    default:
      say.say('wavegate', `${e.kind}${e.detail || e.why ? `: ${e.detail ?? e.why}` : ''}`);
  }
}

function clustersOf(r: RolloutView, wave: string): string[] {
  return r.waves.find((w) => w.name === wave)?.clusters.map((c) => c.name) ?? [];
}

/** The control group as wavegate picks it: the clusters of later waves, or for the last wave the earlier ones. */
function controlOf(r: RolloutView, wave: string): string[] {
  const i = r.waves.findIndex((w) => w.name === wave);
  const later = r.waves.slice(i + 1).flatMap((w) => w.clusters.map((c) => c.name));
  return later.length > 0 ? later : r.waves.slice(0, i).flatMap((w) => w.clusters.map((c) => c.name));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
