import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { stopChild } from '../harness/stop-child.js';

/** One wavegate process (test/harness/rollout-process.ts) as the crash test sees it. */
export interface Incarnation {
  name: string;
  /** Build and start the app; resolves with its API port. Rejects if the process dies first. */
  start(): Promise<number>;
  /** Resolves when the process is gone: how it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL from outside: no goodbye, leases and locks left behind. Resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful close), SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGSTOP: frozen where it stands (a long GC pause, a VM freeze); `resume` (SIGCONT) thaws it. */
  pause(): void;
  resume(): void;
  alive(): boolean;
  /** The last 20 kB it wrote to stderr (its warnings and errors). */
  output(): string;
}

const ENTRY = 'test/harness/rollout-process.ts';
/** The packages that cost most of a start (mathjs alone ~1.3 s of CPU), bundled with what they import. */
const HEAVY = /^(mathjs|@kubernetes\/client-node)(\/|$)/;

/**
 * The child's command. A crash test starts dozens of incarnations, and through tsx each spends ~2 s
 * of CPU loading modules; so the entry is bundled once (our sources and the heaviest packages, into
 * one file — the same code), which starts in a fraction of that. Every other package stays external
 * and loads from node_modules as usual: several find files next to themselves (`__dirname`). The
 * bundle lives under node_modules/.cache so those imports resolve. The esbuild is tsx's own, so no
 * dependency is added. `CRASH_CHILD=tsx` runs the source through tsx instead.
 */
export async function childCommand(): Promise<{ command: string[]; cleanup: () => Promise<void> }> {
  if (process.env.CRASH_CHILD === 'tsx') return { command: ['--import', 'tsx', ENTRY], cleanup: async () => {} };
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild') as typeof import('esbuild');
  await mkdir('node_modules/.cache', { recursive: true });
  const dir = await mkdtemp(resolve('node_modules/.cache/wavegate-crash-'));
  const outfile = join(dir, 'rollout-process.mjs');
  await esbuild.build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // Bundled CommonJS modules call require(); give them one.
    banner: { js: "import { createRequire as __wgRequire } from 'node:module'; const require = __wgRequire(import.meta.url);" },
    plugins: [
      {
        name: 'external-but-heavy',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            const fromPackage = args.importer.includes(`${sep}node_modules${sep}`);
            return isBuiltin(args.path) || fromPackage || HEAVY.test(args.path) ? undefined : { external: true };
          });
        },
      },
    ],
  });
  return { command: [outfile], cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));

/**
 * Spawns an incarnation and resolves once its modules are loaded (a second or two under tsx), so a
 * test can load the next one while the current one runs and start it the moment that one dies.
 */
export async function spawnIncarnation(name: string, command: string[], env: Record<string, string>): Promise<Incarnation> {
  const child = spawn(process.execPath, command, {
    env: { ...process.env, INSTANCE_ID: name, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const said = <T>(what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not say '${what}' within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      child.on('message', (m: Record<string, unknown>) => {
        if (m[what]) (clearTimeout(timer), resolve(m as T));
      });
      void exited.then(({ code, signal }) => (clearTimeout(timer), reject(new Error(`${name} exited (${signal ?? code}) before '${what}':\n${stderr}`))));
    });
  await said('loaded', 30_000);
  const gone = (signal: NodeJS.Signals) => stopChild(child, signal, 10_000);
  return {
    name,
    async start() {
      const started = said<{ port: number }>('started', 30_000);
      child.send({ start: true });
      return (await started).port;
    },
    exited,
    kill: () => gone('SIGKILL'),
    stop: async () => {
      child.kill('SIGCONT'); // a frozen process cannot hear SIGTERM
      await gone('SIGTERM');
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => stderr,
  };
}
