/** Writes the results (JSON, Markdown, SVG charts) and refreshes the generated part of docs/judgment.md. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Method } from '../methods.js';
import { detectionChart, falseRollbackChart } from './charts.js';
import type { HeadlineRow } from './headline.js';
import { headlineTable, resultsMarkdown, targetTable, type RunMeta } from './markdown.js';
import type { ScenarioResult } from './summary.js';
import type { TargetRow } from './targets.js';

export function gitState(root: string): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  try {
    // What the benchmark loads: the core, the template code and files, the benchmark. Tracked files
    // only: untracked work in progress cannot be imported by committed code.
    const paths = ['src/core', 'src/templates', 'src/errors', 'analysis-templates', 'bench/detection'];
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no', '--', ...paths) !== '' };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

export interface Report {
  meta: RunMeta;
  methods: readonly Method[];
  results: readonly ScenarioResult[];
  headline: readonly HeadlineRow[];
  targets: readonly TargetRow[];
}

export function writeReport(dir: string, r: Report): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    json: join(dir, 'detection.json'),
    md: join(dir, 'detection.md'),
    falseSvg: join(dir, 'detection-false-rollbacks.svg'),
    timeSvg: join(dir, 'detection-times.svg'),
  };
  const json = {
    meta: r.meta,
    methods: r.methods.map(({ id, label, settings, role }) => ({ id, label, settings, role })),
    headline: r.headline,
    targets: r.targets,
    scenarios: r.results,
  };
  writeFileSync(files.json, JSON.stringify(json, null, 1) + '\n');
  writeFileSync(files.md, resultsMarkdown(r.meta, r.methods, r.results, r.headline, r.targets));
  writeFileSync(files.falseSvg, falseRollbackChart(r.methods, r.results) + '\n');
  writeFileSync(files.timeSvg, detectionChart(r.methods, r.results) + '\n');
  return Object.values(files);
}

const START = '<!-- bench:generated:start -->';
const END = '<!-- bench:generated:end -->';

/** Replaces the text between the markers of docs/judgment.md with the measured headline and targets. */
export function refreshDoc(docPath: string, r: Report): boolean {
  if (!existsSync(docPath)) return false;
  const doc = readFileSync(docPath, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return false;
  const body = [
    `Measured on commit \`${r.meta.commit}\`${r.meta.dirty ? ' (with uncommitted changes)' : ''}, ${r.meta.date}; ${Math.round(r.meta.seconds)} s wall (${Math.round(r.meta.cpuSeconds)} s CPU) on ${r.meta.workers} workers.`,
    '',
    headlineTable(r.headline),
    '',
    '#### Issue 3 targets, wavegate as shipped',
    '',
    targetTable(r.targets),
  ].join('\n');
  writeFileSync(docPath, `${doc.slice(0, a + START.length)}\n${body}\n${doc.slice(b)}`);
  return true;
}
