import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.js';

/** Where `prometheus` is looked for by default: PATH, then where the Debian package and manual installs put it. */
const defaultDirs = () => [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];

/** The `prometheus` binary in the first of `dirs` that has it, or null when it is not installed. */
export function findPrometheus(dirs: readonly string[] = defaultDirs()): string | null {
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, 'prometheus'), constants.X_OK);
      return join(dir, 'prometheus');
    } catch {
      // keep looking
    }
  }
  return null;
}

export interface DemoPrometheus {
  url: string;
  /** SIGTERM, SIGKILL after 5 s; resolves when the process is gone. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL now, synchronously (for a process `exit` hook, where nothing can be awaited). */
  killNow(): void;
}

/**
 * Starts a real Prometheus on a free 127.0.0.1 port with its data in `dir`, scraping `target` every
 * second, and resolves once the target has been scraped (Debian's 2.42 hands new targets to the
 * scrape manager on a 5 s tick, so that takes ~5–6 s).
 */
export async function startPrometheus(binary: string, dir: string, target: string, timeoutMs = 30_000): Promise<DemoPrometheus> {
  const consoles = join(dir, 'consoles');
  await mkdir(consoles, { recursive: true });
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: payments', '    static_configs:', `      - targets: ["${target}"]`, ''].join('\n'),
  );
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Debian's defaults point at /etc/prometheus/console*; an empty dir keeps the run self-contained.
        `--web.console.templates=${consoles}`,
        `--web.console.libraries=${consoles}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    const keep = (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-8_192));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= kill(child));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(timeoutMs, child, () => log, async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok);
      await waitFor(timeoutMs, child, () => log, async () => {
        const answer = (await (await fetch(`${url}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(1_000) })).json()) as { data?: { activeTargets?: Array<{ health: string }> } };
        const targets = answer.data?.activeTargets ?? [];
        return targets.length > 0 && targets.every((t) => t.health === 'up');
      });
      return { url, stop, killNow: () => void child.kill('SIGKILL') };
    } catch (err) {
      await stop();
      if (attempt < 3 && /address already in use/.test(log)) continue; // lost the free-port race
      throw err;
    }
  }
}

async function waitFor(timeoutMs: number, child: ChildProcess, log: () => string, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    if (await ok().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready within ${timeoutMs} ms:\n${log()}`);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
