/**
 * wavegate's own judge, through the production path: the shipped templates rendered by the
 * production template code, `newAnalysis`, then `advance` once per tick — nothing copied.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { advance, metricId, newAnalysis } from '../../../src/core/analysis/advance.js';
import type { Analysis, AnalysisRequest, MetricSpec } from '../../../src/core/analysis/model.js';
import { parseTemplateFile, renderMetrics } from '../../../src/templates/index.js';
import type { LoadedTemplate } from '../../../src/templates/types.js';
import { INTERVAL_MS } from '../scenario.js';
import type { Decision, Judge, JudgeFactory } from './judge.js';

/** The false-rollback budget of one analysis (the service's DEFAULT_ALPHA). */
export const WAVEGATE_ALPHA = 0.01;
const TEMPLATES = ['http-success-rate', 'http-latency'];

/** The shipped `http-success-rate` and `http-latency` templates with their default arguments. */
export function shippedSpecs(): MetricSpec[] {
  const dir = fileURLToPath(new URL('../../../analysis-templates/', import.meta.url));
  const loaded = new Map<string, LoadedTemplate>();
  for (const name of TEMPLATES) {
    const parsed = parseTemplateFile(readFileSync(`${dir}${name}.yaml`, 'utf8'), `${name}.yaml`);
    if (parsed.problems.length > 0) throw new Error(`${name}: ${parsed.problems.map((p) => p.message).join('; ')}`);
    for (const t of parsed.templates) loaded.set(t.name, t);
  }
  return renderMetrics(loaded, { templates: TEMPLATES, args: { service: 'bench' }, scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } }, intervalMs: INTERVAL_MS });
}

const OUTCOME = { fail: 'rollback', pass: 'promote', inconclusive: 'inconclusive' } as const;

export function wavegateJudge(specs: MetricSpec[], alpha = WAVEGATE_ALPHA): JudgeFactory {
  return ({ budgetMinutes, historyBefore }) => {
    const request: AnalysisRequest = {
      templates: TEMPLATES,
      args: { service: 'bench' },
      scopes: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
      startTime: 0,
      intervalMs: INTERVAL_MS,
      maxDurationMs: budgetMinutes * INTERVAL_MS,
      alpha,
    };
    // What AnalysisService stores at the first tick (readBaselineHistory): the ratio metrics' three hours before.
    const history = historyBefore();
    const baselineHistory = Object.fromEntries(specs.filter((s) => s.kind === 'ratio').map((s) => [metricId(s), history]));
    let analysis: Analysis = { ...newAnalysis({ id: 'bench', request, specs, now: 0 }), baselineHistory };
    const judge: Judge = {
      observe(tick): Decision | null {
        analysis = advance(analysis, tick.endMs, tick.measurements, tick.endMs);
        if (analysis.verdict === 'running') return null;
        return { outcome: OUTCOME[analysis.verdict], atMinute: tick.index };
      },
    };
    return judge;
  };
}
