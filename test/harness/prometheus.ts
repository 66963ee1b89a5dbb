import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.js';
import { stopChild } from './stop-child.js';

/**
 * A real Prometheus (the Debian package, 2.42 here) on a free 127.0.0.1 port, in a temp dir.
 *
 * History comes from `promtool tsdb create-blocks-from openmetrics`: promtool cuts blocks at
 * 2h-aligned UTC boundaries and Prometheus loads them when the TSDB opens, before `/-/ready`, so a
 * backfilled scenario is queryable as soon as `startPrometheus` resolves. Time retention counts back
 * from the newest block, not from the wall clock, but scraped samples arriving "now" would make old
 * scenario blocks (e.g. dated 2024) expire, so retention is set to 100y.
 */

export interface StartPrometheusOptions {
  /** OpenMetrics text (ending in `# EOF`) to backfill before start. */
  openmetrics?: string;
  /** `host:port` targets to scrape at `/metrics`, e.g. a prom-client workload on 127.0.0.1. */
  scrapeTargets?: string[];
  /**
   * Resolve only once every target has been scraped successfully (default true when there are
   * targets). Prometheus 2.42 hands discovered targets to the scrape manager on a fixed 5 s tick, so
   * the first scrape lands ~5–6 s after start whatever the scrape interval.
   */
  waitForTargets?: boolean;
  /** Global scrape/evaluation interval (default 1s, so scraping tests see data fast). */
  scrapeInterval?: string;
  /** How long to wait for `/-/ready` (default 30 s). */
  readyTimeoutMs?: number;
  /** Where to look for the binaries (default: PATH, then /usr/bin and /usr/local/bin). */
  binDirs?: string[];
}

export interface RunningPrometheus {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  dir: string;
  /** How long the backfill and the start-until-ready took, in ms. */
  timings: { backfillMs: number; readyMs: number };
  /** Kills Prometheus and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const binDirs = options.binDirs ?? [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  const prometheus = requireBinary('prometheus', binDirs);
  const promtool = requireBinary('promtool', binDirs);
  const dir = await mkdtemp(join(tmpdir(), 'wavegate-prometheus-'));
  try {
    const dataDir = join(dir, 'data');
    const consoles = join(dir, 'consoles');
    await mkdir(consoles);
    const backfillStarted = performance.now();
    if (options.openmetrics !== undefined) await backfill(promtool, dir, dataDir, options.openmetrics);
    const backfillMs = performance.now() - backfillStarted;
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, configYaml(options));

    const readyStarted = performance.now();
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const args = [
        `--config.file=${config}`,
        `--storage.tsdb.path=${dataDir}`,
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
        // Debian's defaults point at /etc/prometheus/console*; an empty dir makes the run self-contained.
        `--web.console.templates=${consoles}`,
        `--web.console.libraries=${consoles}`,
        '--log.level=warn',
      ];
      const child = spawn(prometheus, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      track(child);
      const log = captureLog(child);
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitReady(url, child, log, options.readyTimeoutMs ?? 30_000);
      } catch (error) {
        await kill(child);
        if (attempt < 3 && /address already in use/.test(log())) continue; // lost the free-port race
        throw error;
      }
      if (options.scrapeTargets?.length && options.waitForTargets !== false) {
        await waitTargetsUp(url, options.scrapeTargets.length, options.readyTimeoutMs ?? 30_000).catch(async (error: unknown) => {
          await kill(child);
          throw error;
        });
      }
      const timings = { backfillMs: Math.round(backfillMs), readyMs: Math.round(performance.now() - readyStarted) };
      let stopped: Promise<void> | undefined;
      return {
        url,
        dir,
        timings,
        stop: () => (stopped ??= kill(child).then(() => rm(dir, { recursive: true, force: true }))),
      };
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Absolute path of a binary in `dirs`, or a loud error: these tests never skip. */
function requireBinary(name: string, dirs: string[]): string {
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  throw new Error(
    `'${name}' is not installed, and the Prometheus adapter tests need a real Prometheus. ` +
      `Run \`npm run test:deps\` (.ci/install-test-deps.sh installs the Debian package 'prometheus', which provides prometheus and promtool).`,
  );
}

async function backfill(promtool: string, dir: string, dataDir: string, openmetrics: string): Promise<void> {
  const file = join(dir, 'backfill.om');
  await writeFile(file, openmetrics.endsWith('\n') ? openmetrics : `${openmetrics}\n`);
  const result = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, dataDir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`promtool backfill failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || String(result.error)).trim()}`);
  }
}

function configYaml(options: StartPrometheusOptions): string {
  const interval = options.scrapeInterval ?? '1s';
  const lines = ['global:', `  scrape_interval: ${interval}`, `  evaluation_interval: ${interval}`];
  if (options.scrapeTargets?.length) {
    lines.push(
      'scrape_configs:',
      '  - job_name: targets',
      '    static_configs:',
      `      - targets: [${options.scrapeTargets.map((t) => JSON.stringify(t)).join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`prometheus was not ready at ${url} within ${timeoutMs} ms:\n${log()}`);
}

interface TargetsAnswer {
  data?: { activeTargets?: Array<{ scrapeUrl: string; health: string; lastError: string }> };
}

async function waitTargetsUp(url: string, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: NonNullable<NonNullable<TargetsAnswer['data']>['activeTargets']> = [];
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(1_000) });
    seen = ((await response.json()) as TargetsAnswer).data?.activeTargets ?? [];
    if (seen.length >= expected && seen.every((t) => t.health === 'up')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = seen.map((t) => `${t.scrapeUrl}: ${t.health} ${t.lastError}`).join('; ') || 'no active targets';
  throw new Error(`prometheus did not scrape all ${expected} targets within ${timeoutMs} ms (${state})`);
}

/** Keeps the last 16 kB of Prometheus' output for error messages. */
function captureLog(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A test worker that dies without stop() must not leave Prometheus behind.
    process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
const kill = (child: ChildProcess): Promise<void> => stopChild(child);
