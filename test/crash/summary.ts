import type { CrashRunReport } from './drive.js';
import { describeStep } from './kill-steps.js';

/** One line per run, for the test log: what was killed where, and what Git holds afterwards. */
export function summary(r: CrashRunReport): string {
  const self = r.kills.filter((k) => k.step.kind === 'failpoint');
  const points = new Set(self.map((k) => describeStep(k.step)));
  const failpoints = new Set(self.map((k) => (k.step.kind === 'failpoint' ? k.step.failpoint : '')));
  const outside = r.kills.length - self.length;
  return [
    `crash[${r.label}]:`,
    `${r.kills.length} kills (${[self.length > 0 ? `${self.length} at ${points.size} kill points of ${failpoints.size} failpoints` : '', outside > 0 ? `${outside} from outside` : ''].filter(Boolean).join(', ')}) over ${r.incarnations} incarnations,`,
    r.notTaken.length > 0 ? `${r.notTaken.length} steps not taken,` : '',
    `${r.rollouts.length} rollouts (${count(r.rollouts.map((x) => x.status))}),`,
    `${r.commits.total} commits in Git (${r.commits.foundAgain} found again after a kill),`,
    `${r.problems.length} problems,`,
    `${r.simMinutes} simulated min in ${(r.realMs / 1000).toFixed(1)} s;`,
    `stage at the kills: ${count(r.kills.map((k) => k.stage)) || 'none'};`,
    `action in flight: ${count(r.kills.map((k) => k.action)) || 'none'}`,
  ]
    .filter(Boolean)
    .join(' ');
}

function count(items: string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}
