/** bench/results/detection.md: the headline, the targets, the settings, and every scenario × method. */
import type { Method } from '../methods.js';
import { canaryRpsRange } from '../scenario.js';
import type { HeadlineRow } from './headline.js';
import type { ScenarioResult } from './summary.js';
import type { TargetRow } from './targets.js';

export interface RunMeta {
  commit: string;
  dirty: boolean;
  date: string;
  mode: 'full' | 'quick';
  seconds: number;
  /** CPU time over all threads. */
  cpuSeconds: number;
  workers: number;
  node: string;
}

export const pct = (x: number) => (x === 0 ? '0%' : `${(100 * x).toFixed(x < 0.001 ? 3 : x < 0.1 ? 2 : 1)}%`);
const interval = (i: [number, number]) => `[${pct(i[0])}, ${pct(i[1])}]`;
const minutes = (m: number | null) => (m === null ? '—' : `${m}`);
const ratio = (r: number | null) => (r === null ? '—' : `${r.toFixed(2)}×`);

export function headlineTable(rows: readonly HeadlineRow[]): string {
  const lines = [
    '| method | worst false rollback, any no-change scenario | worst, independent errors only | median time to detect ÷ oracle (worst) | effect scenarios detected (median ≤ budget) |',
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if (r.method === 'oracle') continue;
    const w = r.worstFalseRollback;
    const wi = r.worstFalseRollbackIndependent;
    lines.push(`| ${r.label} | ${w ? `${pct(w.rate)} ${interval(w.interval)} (${w.scenario})` : '—'} | ${wi ? `${pct(wi.rate)} ${interval(wi.interval)} (${wi.scenario})` : '—'} | ${ratio(r.medianRatioToOracle)} (${ratio(r.worstRatioToOracle)}) over ${r.ratioScenarios[0]}/${r.ratioScenarios[1]} | ${r.detected}/${r.ratioScenarios[1]} |`);
  }
  return lines.join('\n');
}

export function targetTable(rows: readonly TargetRow[]): string {
  const head = ['| target | scenario | measured | met | the oracle SPRT on the same target |', '|---|---|---|---|---|'];
  return [...head, ...rows.map((t) => `| ${t.target} | ${t.scenario} | ${t.measured} | ${t.met ? 'yes' : '**no**'} | ${t.oracle} |`)].join('\n');
}

function scenarioLine(r: ScenarioResult): string {
  const s = r.scenario;
  const [lo, hi] = canaryRpsRange(s);
  const rps = lo === hi ? `${lo}` : `${lo}→${hi}`;
  return `| ${s.id} | ${s.title} | ${rps} | ${pct(s.baselineErrorRate)} | ${s.budgetMinutes} |`;
}

export function resultsMarkdown(meta: RunMeta, methods: readonly Method[], results: readonly ScenarioResult[], head: readonly HeadlineRow[], tgt: readonly TargetRow[]): string {
  const out: string[] = [];
  out.push(`# Detection benchmark results (${meta.mode})`, '');
  out.push(`Measured on commit \`${meta.commit}\`${meta.dirty ? ' (with uncommitted changes)' : ''}, ${meta.date}, node ${meta.node}, ${meta.workers} workers, ${Math.round(meta.seconds)} s wall, ${Math.round(meta.cpuSeconds)} s CPU. Regenerate with \`npm run bench:detection${meta.mode === 'quick' ? ':quick' : ''}\`.`, '');
  out.push('## Headline', '', headlineTable(head), '');
  out.push('## Targets of issue 3 (wavegate)', '', targetTable(tgt), '');
  out.push('## Methods', '', '| method | settings |', '|---|---|', ...methods.map((m) => `| ${m.label} | ${m.settings} |`), '');
  out.push('## Scenarios', '', '| id | what | canary req/s | baseline errors | budget (min) |', '|---|---|---|---|---|', ...results.map(scenarioLine), '');
  out.push('## No change: false rollbacks', '', '| scenario | method | runs | rolled back [95% CI] | promoted | inconclusive | median minute of a false rollback |', '|---|---|---|---|---|---|---|');
  for (const r of results.filter((x) => x.scenario.kind === 'no-change')) {
    for (const m of methods) {
      const s = r.methods[m.id];
      if (!s) continue;
      out.push(`| ${r.scenario.id} | ${m.label} | ${s.runs} | ${pct(s.rollbackRate)} ${interval(s.rollbackInterval)} | ${pct(s.promotions / s.runs)} | ${pct(s.inconclusive / s.runs)} | ${minutes(s.medianRollbackMinute)} |`);
    }
  }
  out.push('', '## Regressions: power and time to detect', '', 'Power = share rolled back within the budget. Times are minutes from the start; a run never rolled back counts as ∞, so a median or p90 is "—" when fewer than half (a tenth) of the runs were rolled back within the horizon.', '');
  out.push('| scenario | method | runs | power [95% CI] | median | p90 | ÷ oracle | promoted |', '|---|---|---|---|---|---|---|---|');
  for (const r of results.filter((x) => x.scenario.kind !== 'no-change')) {
    for (const m of methods) {
      const s = r.methods[m.id];
      if (!s) continue;
      out.push(`| ${r.scenario.id} | ${m.label} | ${s.runs} | ${pct(s.power)} ${interval(s.powerInterval)} | ${minutes(s.medianMinutes)} | ${minutes(s.p90Minutes)} | ${ratio(s.ratioToOracle)} | ${pct(s.promotions / s.runs)} |`);
    }
  }
  return out.join('\n') + '\n';
}
