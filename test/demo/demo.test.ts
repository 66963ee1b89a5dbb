import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FleetCommit } from '../../src/demo/fleet-log.js';
import { findPrometheus } from '../../src/demo/prometheus.js';
import { runDemo, type DemoOptions, type DemoResult } from '../../src/demo/run-demo.js';

const MINUTES = 60_000;
const trailer = (c: FleetCommit, key: string) => c.trailers.find(([k]) => k === key)?.[1];

async function demo(options: DemoOptions): Promise<{ result: DemoResult; lines: string[] }> {
  const lines: string[] = [];
  const result = await runDemo({ ...options, write: (line) => lines.push(line) });
  return { result, lines };
}

/** What every run must show, whichever metrics it used. */
async function expectTheStory({ result, lines }: { result: DemoResult; lines: string[] }): Promise<void> {
  expect(result.problems).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.good).toMatchObject({ version: '1.4.2', status: 'succeeded' });
  expect(result.bad).toMatchObject({ version: '1.5.0', status: 'rolledBack' });
  expect(result.wallMs).toBeLessThan(3 * MINUTES);

  // The fleet repo tells the story in order: seed, four promotions of 1.4.2, two of 1.5.0, one rollback.
  const log = [...result.log].reverse();
  expect(log.map((c) => c.subject)).toEqual([
    'payments 1.4.1 in every cluster',
    'wavegate: promote payments 1.4.2 to wave eu-canary (1 cluster)',
    'wavegate: promote payments 1.4.2 to wave eu-canary (1 cluster)',
    'wavegate: promote payments 1.4.2 to wave aws (2 clusters)',
    'wavegate: promote payments 1.4.2 to wave rest (2 clusters)',
    'wavegate: promote payments 1.5.0 to wave eu-canary (1 cluster)',
    'wavegate: promote payments 1.5.0 to wave eu-canary (1 cluster)',
    'wavegate: roll back payments 1.5.0 in 2 clusters (wave eu-canary)',
  ]);
  for (const c of log.slice(1)) {
    expect(c.trailers.map(([k]) => k).slice(0, 4)).toEqual(['Wavegate-Rollout', 'Wavegate-Wave', 'Wavegate-Action', 'Wavegate-Verdict']);
    expect(trailer(c, 'Wavegate-Rollout')).toBe(c.subject.includes('1.4.2') ? result.good.id : result.bad.id);
  }
  // A promotion after a judged wave carries that verdict and its analysis.
  const aws = log[3]!;
  expect(trailer(aws, 'Wavegate-Verdict')).toBe('pass');
  expect(trailer(aws, 'Wavegate-Analysis')).toBe(result.good.analyses.find((a) => a.wave === 'eu-canary')!.analysisId);

  // Exactly one rollback commit, restoring 1.4.2 in exactly the clusters 1.5.0 touched.
  const rollbacks = result.log.filter((c) => trailer(c, 'Wavegate-Action') === 'rollback');
  expect(rollbacks).toHaveLength(1);
  const rollback = rollbacks[0]!;
  const failed = result.bad.analyses.find((a) => a.verdict === 'fail')!;
  expect(trailer(rollback, 'Wavegate-Wave')).toBe('eu-canary');
  expect(trailer(rollback, 'Wavegate-Verdict')).toBe('fail');
  expect(trailer(rollback, 'Wavegate-Analysis')).toBe(failed.analysisId);
  const touched = log.slice(5, 7).flatMap((c) => c.files);
  expect(rollback.files.sort()).toEqual(touched.sort());
  expect(touched).toEqual(expect.arrayContaining(['clusters/eu-west-1a/apps/payments/values.yaml', 'clusters/eu-west-1b/apps/payments/values.yaml']));
  expect(result.bad.commits.filter((c) => c.action === 'rollback')).toHaveLength(1);
  expect(Object.values(result.versions)).toEqual(Array(6).fill('1.4.2'));

  // The explanation says why, in words and numbers.
  expect(result.explanation).toMatch(/^FAIL/);
  expect(result.explanation).toContain('http-success-rate/error-rate');

  // Readable progress, no JSON logs; every step of the story is printed.
  expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
  const text = lines.join('\n');
  for (const wave of ['eu-canary', 'aws', 'rest']) expect(text).toContain(`wave ${wave} passed`);
  expect(text).toMatch(/analysis eu-canary: PASS/);
  expect(text).toMatch(/analysis eu-canary: FAIL/);
  expect(text).toContain('ROLLBACK: wave eu-canary, step analysis failed');
  expect(text).toContain('Wavegate-Action: rollback');
  expect(text).toMatch(/done in \d+\.\d s/);

  // Nothing is left behind.
  expect(existsSync(result.dir)).toBe(false);
  await expect(fetch(`${result.urls.wavegate}/healthz`)).rejects.toThrow();
  if (result.urls.prometheus) await expect(fetch(`${result.urls.prometheus}/-/ready`)).rejects.toThrow();
}

describe('npm run demo', () => {
  it('without Prometheus, says so and runs on simulated metrics: 1.4.2 promoted to every wave, 1.5.0 rolled back in one commit', async () => {
    const run = await demo({ metrics: 'auto', prometheusDirs: ['/nonexistent'] });
    expect(run.result.metrics).toBe('simulated');
    expect(run.lines.join('\n')).toContain('prometheus not found: using simulated metrics');
    await expectTheStory(run);
  }, 4 * MINUTES);

  it('with a real Prometheus scraping the synthetic workload, tells the same story', async () => {
    expect(findPrometheus(), 'the Debian package prometheus is installed (npm run test:deps)').not.toBeNull();
    const run = await demo({ metrics: 'prometheus' });
    expect(run.result.metrics).toBe('prometheus');
    expect(run.lines.join('\n')).toMatch(/prometheus ready at http:\/\/127\.0\.0\.1:\d+, target up/);
    await expectTheStory(run);
  }, 4 * MINUTES);

  it('cleans up and rejects when interrupted', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const running = runDemo({ metrics: 'simulated', signal: controller.signal, write: (line) => {
      lines.push(line);
      if (line.includes('wave eu-canary starts')) controller.abort(new Error('interrupted'));
    } });
    await expect(running).rejects.toThrow('interrupted');
    const dir = /fleet repo (\S+)\/fleet\/fleet\.git/.exec(lines.join('\n'))?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
  }, MINUTES);
});
