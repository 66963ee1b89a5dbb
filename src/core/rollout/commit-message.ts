import type { RolloutAction } from './actions.js';
import type { Rollout } from './rollout.js';

type CommitAction = Extract<RolloutAction, { kind: 'commit' }>;

export interface CommitMessage {
  subject: string;
  body: string;
  trailers: Array<[string, string]>;
  /** Trailers that identify the same change: a replay finds the commit instead of making another. */
  idempotencyTrailers: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One commit per promote or rollback, readable in `git log`: a subject that says what happened, a
 * body with the evidence and a link, and trailers that tools (and wavegate itself) can parse.
 */
export function commitMessage(r: Rollout, action: CommitAction, opts: { explanationBaseUrl?: string }): CommitMessage {
  const n = action.writes.length;
  const lastAnalysis = [...r.analyses].reverse().find((a) => a.verdict !== null);
  const verdict = action.action === 'promote' ? (lastAnalysis?.verdict ?? 'none') : 'fail';
  const subject =
    action.action === 'promote'
      ? `wavegate: promote ${r.app} ${r.version} to wave ${action.wave} (${plural(n, 'cluster')})`
      : `wavegate: roll back ${r.app} ${r.version} in ${plural(n, 'cluster')} (wave ${action.wave})`;
  const lines: string[] = [];
  if (action.action === 'promote') {
    lines.push(`Sets ${r.app} to ${r.version} in ${action.writes.map((w) => w.cluster).join(', ')}.`);
    if (lastAnalysis) lines.push('', `Evidence from the previous step (${lastAnalysis.wave} / ${lastAnalysis.step}): ${lastAnalysis.verdict}`, lastAnalysis.headline ?? '');
  } else {
    const reason = r.stage.kind === 'rollback' ? r.stage.reason : 'rollback';
    lines.push(`Restores the previous version in ${action.writes.map((w) => `${w.cluster} (${w.version})`).join(', ')}.`, '', `Why: ${reason}`);
  }
  const link = lastAnalysis && opts.explanationBaseUrl ? `${opts.explanationBaseUrl.replace(/\/+$/, '')}/api/v1/analyses/${lastAnalysis.analysisId}/explanation` : null;
  if (link) lines.push('', `Explanation: ${link}`);
  const trailers: Array<[string, string]> = [
    ['Wavegate-Rollout', r.id],
    ['Wavegate-Wave', action.wave],
    ['Wavegate-Action', action.action],
    ['Wavegate-Verdict', verdict],
    ['Wavegate-Epoch', String(action.epoch)],
  ];
  if (lastAnalysis) trailers.push(['Wavegate-Analysis', lastAnalysis.analysisId]);
  return { subject, body: lines.join('\n').trim(), trailers, idempotencyTrailers: ['Wavegate-Rollout', 'Wavegate-Wave', 'Wavegate-Action', 'Wavegate-Epoch'] };
}
