import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseTemplateFile } from '../../src/templates/parse.js';
import { renderMetrics, type RenderRequest } from '../../src/templates/render.js';
import type { LoadedTemplate } from '../../src/templates/types.js';
import type { MetricSpec } from '../../src/core/analysis/model.js';

/** Parses YAML that must load cleanly; fails the test with the problems otherwise. */
export function loadOk(yaml: string, file = 'analysis-templates/test.yaml'): Map<string, LoadedTemplate> {
  const { templates, problems } = parseTemplateFile(yaml, file);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('\n'));
  return new Map(templates.map((t) => [t.name, t]));
}

/** The problem messages of YAML that must not load. */
export function problemsOf(yaml: string, file = 'analysis-templates/test.yaml'): string[] {
  return parseTemplateFile(yaml, file).problems.map((p) => p.message);
}

export const SCOPES = { canary: { track: 'canary' }, baseline: { track: 'baseline' } };

export function render(
  templates: Map<string, LoadedTemplate>,
  request: Partial<RenderRequest> = {},
): MetricSpec[] {
  return renderMetrics(templates, {
    templates: [...templates.keys()],
    args: {},
    scopes: SCOPES,
    intervalMs: 60_000,
    ...request,
  });
}

/** A one-metric threshold template around `query`, for tokenizer and scope cases. */
export function thresholdTemplate(query: string, args = ''): string {
  return `
apiVersion: wavegate.dev/v1alpha1
kind: AnalysisTemplate
metadata: { name: q }
spec:
  args: [${args}]
  metrics:
    - name: m
      kind: threshold
      threshold:
        query: ${JSON.stringify(query)}
        successCondition: result[0] < 1
`;
}

/** Renders `query` as a threshold metric with the canary scope `scope`. */
export function renderThreshold(
  query: string,
  scope: Record<string, string> = { track: 'canary' },
  args: Record<string, string> = {},
  argDecls = '',
): string {
  const [spec] = render(loadOk(thresholdTemplate(query, argDecls)), {
    args,
    scopes: { canary: scope, baseline: {} },
  });
  if (spec?.kind !== 'threshold') throw new Error('expected a threshold metric');
  return spec.query;
}


export const PROMTOOL = '/usr/bin/promtool';

/**
 * Asks Prometheus' own parser (offline, via `promtool check rules`) whether the queries parse.
 * Returns promtool's output; throws with it when a query does not parse.
 */
export function promtoolCheck(queries: string[]): string {
  // A missing promtool is a broken test machine, not a reason to skip: say how to fix it.
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: run \`npm run test:deps\` (installs Debian's prometheus package)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'wavegate-promtool-'));
  try {
    const file = path.join(dir, 'rules.yml');
    const rules = queries.map((expr, i) => ({ record: `wavegate_check_${i}`, expr }));
    writeFileSync(file, stringify({ groups: [{ name: 'wavegate', rules }] }));
    return execFileSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
