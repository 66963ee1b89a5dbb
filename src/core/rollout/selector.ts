/**
 * Cluster selectors in the vocabulary of Argo CD ApplicationSet RollingSync and Kubernetes label
 * selectors: `matchLabels` and `matchExpressions` (In, NotIn, Exists, DoesNotExist), all ANDed.
 */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface ClusterSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export function selectorMatches(selector: ClusterSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) if (!requirementMatches(r, labels)) return false;
  return true;
}

function requirementMatches(r: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(labels[r.key]!);
    case 'NotIn':
      // Kubernetes semantics: a missing label satisfies NotIn.
      return !has || !(r.values ?? []).includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** "region In (eu-west, eu-central), env=prod" for messages and explanations. */
export function describeSelector(s: ClusterSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of s.matchExpressions ?? []) {
    parts.push(r.operator === 'Exists' || r.operator === 'DoesNotExist' ? `${r.key} ${r.operator}` : `${r.key} ${r.operator} (${(r.values ?? []).join(', ')})`);
  }
  return parts.join(', ') || 'every cluster';
}
