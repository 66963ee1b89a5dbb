/**
 * A Grafana Explore link that opens one PromQL query over a fixed time range.
 *
 * Format (Grafana ≥ 10, "schemaVersion 1"): `/explore?schemaVersion=1&panes=<JSON>` where the JSON maps a
 * pane id to `{ datasource, queries: [{ refId, expr, datasource: { type, uid } }], range: { from, to } }`;
 * `from`/`to` may be epoch milliseconds as strings. Grafana parses it in
 * grafana/grafana `public/app/features/explore/hooks/useStateSync/migrators/v1.ts`, which also
 * migrates the older `left=<JSON>` links; it replaces any pane id that is not 3 characters from its id
 * alphabet with a random one (rewriting the URL), hence the 3-letter id below.
 */
export interface ExploreLinkInput {
  grafanaUrl: string;
  /** Uid of the Prometheus data source; left out, Explore opens the user's default data source. */
  datasourceUid?: string | undefined;
  expr: string;
  fromMs: number;
  toMs: number;
}

export const EXPLORE_PANE_ID = 'wgt';

export function grafanaExploreUrl(input: ExploreLinkInput): string {
  const uid = input.datasourceUid?.trim() || undefined;
  const datasource = uid ? { type: 'prometheus', uid } : undefined;
  const pane = {
    ...(uid ? { datasource: uid } : {}),
    queries: [{ refId: 'A', expr: input.expr, ...(datasource ? { datasource } : {}) }],
    range: { from: String(Math.floor(input.fromMs)), to: String(Math.ceil(input.toMs)) },
  };
  const base = input.grafanaUrl.replace(/\/+$/, '');
  return `${base}/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify({ [EXPLORE_PANE_ID]: pane }))}`;
}
