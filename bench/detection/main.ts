/**
 * The detection benchmark (issue 3): `npm run bench:detection` (full, ~10 min on 2 cores) or
 * `npm run bench:detection:quick` (< 1 min). Options: --quick, --only <text> (scenarios whose id
 * contains it), --runs <n> (every scenario), --workers <n>, --out <dir>.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { shippedSpecs } from './judges/wavegate.js';
import { methods } from './methods.js';
import { headline } from './report/headline.js';
import { headlineTable, targetTable } from './report/markdown.js';
import { mergeChunks, scenarioResult, type ScenarioResult } from './report/summary.js';
import { targets } from './report/targets.js';
import { gitState, refreshDoc, writeReport } from './report/write.js';
import { runPool, type Task } from './run/pool.js';
import { SCENARIOS } from './scenarios.js';

/** CPU seconds of this process, worker threads included (what the run costs on an idle machine). */
const cpuTime = () => {
  const u = process.cpuUsage(cpuStart);
  return (u.user + u.system) / 1e6;
};

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const quick = process.argv.includes('--quick');
const only = option('only');
const runsOverride = option('runs') === undefined ? undefined : Number(option('runs'));
const workers = Number(option('workers') ?? Math.min(2, availableParallelism()));
const out = option('out') ?? `${root}bench/results${quick || only || runsOverride ? '/tmp/' + (quick ? 'quick' : 'partial') : ''}`;

const scenarios = SCENARIOS.filter((s) => !only || s.id.includes(only));
const CHUNK = 50;
const tasks: Task[] = [];
for (const s of scenarios) {
  const runs = runsOverride ?? (quick ? s.runs.quick : s.runs.full);
  for (let from = 0; from < runs; from += CHUNK) tasks.push({ scenario: s.id, from, to: Math.min(runs, from + CHUNK) });
}
// Long analyses first, so the last chunks to finish are short ones.
tasks.sort((a, b) => (SCENARIOS.find((s) => s.id === b.scenario)!.budgetMinutes - SCENARIOS.find((s) => s.id === a.scenario)!.budgetMinutes));

// The code is loaded now (workers load it when they start), so this is the commit measured.
const git = gitState(root);
const started = performance.now();
const cpuStart = process.cpuUsage();
let done = 0;
const byTask = await runPool(tasks, workers, () => {
  done += 1;
  if (done % 10 === 0 || done === tasks.length) process.stderr.write(`\r${done}/${tasks.length} chunks, ${Math.round((performance.now() - started) / 1000)} s`);
});
process.stderr.write('\n');

const results: ScenarioResult[] = scenarios.map((s) => {
  const chunks = tasks.filter((t) => t.scenario === s.id).sort((a, b) => a.from - b.from).map((t) => byTask.get(t)!);
  return scenarioResult(s, mergeChunks(chunks));
});
const list = methods(shippedSpecs());
const report = {
  meta: { ...git, date: new Date().toISOString(), mode: quick ? ('quick' as const) : ('full' as const), seconds: (performance.now() - started) / 1000, cpuSeconds: cpuTime(), workers, node: process.version },
  methods: list,
  results,
  headline: headline(list, results),
  targets: targets(results),
};
const files = writeReport(out, report);
if (!quick && !only && runsOverride === undefined) refreshDoc(`${root}docs/judgment.md`, report);
console.log(headlineTable(report.headline));
console.log();
console.log(targetTable(report.targets));
console.log(`\nwrote ${files.join(', ')} in ${report.meta.seconds.toFixed(0)} s (${report.meta.cpuSeconds.toFixed(0)} CPU s)`);
