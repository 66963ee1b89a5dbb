import type { Cluster } from './fleet.js';
import type { WavePlan } from './plan.js';
import { selectorMatches } from './selector.js';

/** A wave with its clusters fixed at submission, split into batches of at most `maxParallel`. */
export interface ResolvedWave {
  name: string;
  clusters: string[];
  batches: string[][];
}

/**
 * Assigns clusters to waves like Argo CD's RollingSync: each cluster belongs to the first wave whose
 * selector matches it, so a later, broader wave ("the rest") never re-promotes earlier clusters.
 * Clusters no wave selects are not part of the rollout (they stay on the old version).
 */
export function resolveWaves(waves: readonly WavePlan[], clusters: readonly Cluster[]): ResolvedWave[] {
  const taken = new Set<string>();
  return waves.map((wave) => {
    const members = clusters.filter((c) => !taken.has(c.name) && selectorMatches(wave.selector, c.labels)).map((c) => c.name);
    members.forEach((m) => taken.add(m));
    return { name: wave.name, clusters: members, batches: toBatches(members, batchSize(wave.maxParallel, members.length)) };
  });
}

/** `maxParallel` as a count; percentages round down but never below 1 (RollingSync's rule). */
export function batchSize(maxParallel: WavePlan['maxParallel'], waveSize: number): number {
  if (typeof maxParallel === 'number') return Math.max(1, Math.min(maxParallel, Math.max(1, waveSize)));
  const pct = Number(maxParallel.slice(0, -1));
  return Math.max(1, Math.floor((pct / 100) * waveSize));
}

function toBatches(members: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < members.length; i += size) out.push(members.slice(i, i + size));
  return out;
}

/** Renders the per-cluster file path; `{cluster}` is the only placeholder. */
export function clusterPath(template: string, cluster: string): string {
  return template.replaceAll('{cluster}', cluster);
}
