import type { ScopeMatchers } from '../core/analysis/model.js';
import type { Cluster } from '../core/rollout/fleet.js';

/**
 * The Prometheus scope of a group of clusters: each scope label with the list of its values
 * (e.g. { cluster: ['eu-west-1a', 'eu-west-1b'] }). Fleets are expected to tell clusters apart by
 * one label; with several, each label's values are matched independently.
 */
export function scopeOf(clusters: readonly Cluster[]): ScopeMatchers {
  const scope: Record<string, string[]> = {};
  for (const c of clusters) {
    for (const [k, v] of Object.entries(c.scope)) {
      const values = (scope[k] ??= []);
      if (!values.includes(v)) values.push(v);
    }
  }
  return scope;
}
