import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/free-port.js';
import { metricNamesIn, read, ROOT } from './ops-helpers.js';

/**
 * No container engine runs on these machines, so this does what the image does, step by step: the
 * Dockerfile's build (`tsc -p tsconfig.build.json`), then its runtime (`node dist/main.js` with the
 * image's ENV and the built-in analysis-templates), its HEALTHCHECK command taken verbatim from the
 * Dockerfile, the probes the Helm chart uses, and the /metrics the dashboard reads.
 */
const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const imageEnv = Object.fromEntries(
  [...runtimeStage.matchAll(/^ENV (.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Z_]+)=(\S+)/g)].map((kv) => [kv[1]!, kv[2]!])),
);
const healthcheck = JSON.parse(/^HEALTHCHECK .*? CMD (\[.*\])$/m.exec(runtimeStage)![1]!) as string[];
const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runtimeStage)![1]!) as string[];

describe('the image, run without a container engine', () => {
  const outDir = join(ROOT, '.tmp', `ops-dist-${randomUUID()}`);
  let child: ChildProcess | undefined;
  let port: number;
  let log = '';
  let base: string;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    if (build.status !== 0) throw new Error(`the Dockerfile's build step (npm run build) fails:\n${build.stdout}${build.stderr}`);
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    expect(cmd).toEqual(['node', 'dist/main.js']);
    // the image: WORKDIR /app with dist/ and analysis-templates/ side by side
    const env = { PATH: process.env['PATH'] ?? '', ...imageEnv, PORT: String(port), HOST: '127.0.0.1', TEMPLATES_DIR: join(ROOT, 'analysis-templates'), PROMETHEUS_URL: 'http://127.0.0.1:9' };
    child = spawn(process.execPath, [join(outDir, 'main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-8000)));
    child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-8000)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`node dist/main.js exited with ${child.exitCode}:\n${log}`);
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`no /healthz within 30 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 240_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(outDir, { recursive: true, force: true });
  });

  it('answers the Dockerfile HEALTHCHECK', () => {
    expect(healthcheck[0]).toBe('node');
    const run = spawnSync(process.execPath, healthcheck.slice(1), { env: { PORT: String(port) }, encoding: 'utf8', timeout: 10_000 });
    expect(run.status, run.stderr).toBe(0);
  });

  it('is ready with the built-in templates and the in-memory store (the chart\'s readiness probe)', async () => {
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { checks: { templates: { loaded: number } } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.checks.templates.loaded).toBeGreaterThan(0);
  });

  it('exposes every metric the dashboard queries on /metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const typed = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((m) => m[1]!));
    const dashboard = JSON.parse(read('grafana/wavegate-analysis.json')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const wanted = new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr))).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    expect([...wanted].filter((n) => !typed.has(n))).toEqual([]);
  });

  it('stops on SIGTERM (the STOPSIGNAL) with exit code 0, after which the HEALTHCHECK fails', async () => {
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    const run = spawnSync(process.execPath, healthcheck.slice(1), { env: { PORT: String(port) }, encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(1);
  }, 20_000);
});
