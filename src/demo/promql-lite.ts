import { parse, UnsupportedQueryError, type Expr, type Matcher } from './promql-parse.js';

export { parse, parseDuration, UnsupportedQueryError, type Expr } from './promql-parse.js';

/**
 * A PromQL evaluator for exactly the query shapes the shipped analysis templates render, over an
 * in-memory history of counters — so the demo can run without a Prometheus:
 *
 *   sum(increase(m{l="v", l=~"a|b"}[w]))                  ratio metrics (bad / total)
 *   sum by (le) (increase(m_bucket{…}[w]))                histograms
 *   (sum(increase(m{…}[w]))) / (sum(increase(m{…}[w])))   burn-rate rows
 *   vector(1)                                             the readiness probe
 *
 * Matchers `=`, `!=`, `=~`, `!~` (regexes anchored at both ends, as PromQL does). `increase` here is
 * exact — the counter at t minus the counter at t−w, counters starting at 0 — where Prometheus
 * extrapolates from the samples in the window. Anything else is refused, never guessed at.
 */

export interface SeriesHistory {
  readonly series: ReadonlyArray<{ name: string; labels: Readonly<Record<string, string>> }>;
  /** Cumulative value of series `index` at time t (ms), or undefined if it did not exist yet. */
  valueAt(index: number, t: number): number | undefined;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Evaluates `query` at `at` (ms). Throws UnsupportedQueryError for anything outside the shapes above. */
export function evaluate(query: string, at: number, history: SeriesHistory): Sample[] {
  return evalExpr(parse(query), at, history);
}

export function evalExpr(e: Expr, at: number, history: SeriesHistory): Sample[] {
  switch (e.kind) {
    case 'vector':
      return [{ labels: {}, value: e.value }];
    case 'increase': {
      const tests = e.matchers.map(matcherTest);
      const out: Sample[] = [];
      history.series.forEach((s, i) => {
        if (s.name !== e.metric || !tests.every((t) => t(s.labels))) return;
        const now = history.valueAt(i, at);
        if (now === undefined) return;
        out.push({ labels: { ...s.labels }, value: now - (history.valueAt(i, at - e.windowMs) ?? 0) });
      });
      return out;
    }
    case 'sum': {
      const groups = new Map<string, Sample>();
      for (const s of evalExpr(e.expr, at, history)) {
        const labels = Object.fromEntries(e.by.filter((l) => s.labels[l] !== undefined).map((l) => [l, s.labels[l]!]));
        const key = JSON.stringify(labels);
        const g = groups.get(key);
        if (g) g.value += s.value;
        else groups.set(key, { labels, value: s.value });
      }
      return [...groups.values()];
    }
    case 'divide': {
      const right = new Map(evalExpr(e.right, at, history).map((s) => [signature(s.labels), s.value]));
      return evalExpr(e.left, at, history).flatMap((s) => {
        const d = right.get(signature(s.labels));
        return d === undefined ? [] : [{ labels: s.labels, value: s.value / d }];
      });
    }
  }
}

const signature = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

function matcherTest(m: Matcher): (labels: Readonly<Record<string, string>>) => boolean {
  const value = (labels: Readonly<Record<string, string>>) => labels[m.label] ?? '';
  if (m.op === '=') return (l) => value(l) === m.value;
  if (m.op === '!=') return (l) => value(l) !== m.value;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.value})$`);
  } catch {
    throw new UnsupportedQueryError(`invalid regular expression "${m.value}"`);
  }
  return m.op === '=~' ? (l) => re.test(value(l)) : (l) => !re.test(value(l));
}
