import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './stop-child.js';

/**
 * A real, private `redis-server` for adapter tests: its own free port on 127.0.0.1 and its own temp
 * dir. Never the shared Redis on 6379, so tests may write (and lose) anything.
 */
export interface TestRedis {
  url: string;
  port: number;
  /** The server's working dir (RDB/AOF files live here). */
  dir: string;
  /** Kill the server (SIGTERM, so an AOF is flushed) but keep its dir and port: Redis is "down". */
  halt(): Promise<void>;
  /** Start it again on the same port and dir after `halt`. */
  resume(): Promise<void>;
  /** halt + resume: with `persist`, the data survives. */
  restart(): Promise<void>;
  /** Kill the server and delete its dir. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Append-only file on (fsync always), so `restart()` keeps the data. Default: no persistence at all. */
  persist?: boolean;
  /** Require this password (`requirepass`); the url then carries it, as a production REDIS_URL would. */
  password?: string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'wavegate-redis-'));
  const args = (port: number) => [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--daemonize', 'no',
    '--loglevel', 'warning',
    ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(options.password ? ['--requirepass', options.password] : []),
  ];

  let child: ChildProcess | undefined;
  let port = 0;
  // A free port can be taken between probing and binding; try a few.
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await launch(args(port), port, options.password);
    } catch (err) {
      if (err instanceof RedisMissingError || attempt >= 5) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const halt = async () => {
    if (child) await terminate(child);
    child = undefined;
  };
  const resume = async () => {
    if (!child) child = await launch(args(port), port, options.password);
  };
  return {
    url: options.password
      ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`
      : `redis://127.0.0.1:${port}`,
    port,
    dir,
    halt,
    resume,
    restart: async () => {
      await halt();
      await resume();
    },
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

class RedisMissingError extends Error {
  constructor() {
    super('redis-server is not installed (not on PATH). Run `npm run test:deps` — Redis tests never skip.');
  }
}

/** Spawn redis-server and resolve once it answers PING; reject with its output if it dies first. */
async function launch(args: string[], port: number, password?: string): Promise<ChildProcess> {
  if (port === 6379) throw new Error('refusing to start a test Redis on the shared port 6379');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new RedisMissingError() : err),
    );
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited (${code ?? signal}) before answering PING:\n${output.slice(-2000)}`)),
    );
  });
  exited.catch(() => {}); // observed below; avoid an unhandled rejection once the server is up
  live.add(child);
  child.once('exit', () => live.delete(child));
  try {
    await Promise.race([waitForPong(port, password, 10_000), exited]);
    return child;
  } catch (err) {
    await terminate(child);
    throw err;
  }
}

const terminate = (child: ChildProcess): Promise<void> => stopChild(child);

async function waitForPong(port: number, password: string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answersPong(port, password)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

/** Raw RESP over a socket, so the harness does not depend on the client under test. */
function answersPong(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    const auth = password === undefined ? [] : ['AUTH', password];
    const lines = auth.length > 0 ? 2 : 1;
    socket.once('connect', () => socket.write(resp(auth) + resp(['PING'])));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const answers = reply.split('\r\n').slice(0, -1);
      if (answers.length >= lines) done(answers[lines - 1] === '+PONG');
    });
  });
}

function resp(command: string[]): string {
  if (command.length === 0) return '';
  return `*${command.length}\r\n${command.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/** A port the OS considers free on 127.0.0.1 right now (kept private: test/harness/free-port.ts is not ours). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
