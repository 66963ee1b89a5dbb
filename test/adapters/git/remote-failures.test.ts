import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitRepository } from '../../../src/adapters/git/git-repository.js';
import { createMemoryLock } from '../../../src/adapters/git/lock.js';
import type { GitAuth } from '../../../src/adapters/git/options.js';
import { GitAuthError, GitUnavailableError } from '../../../src/errors/git-errors.js';
import { freePort } from '../../harness/free-port.js';
import { AUTHOR, captureLogger, promotion } from './fixtures.js';

/**
 * Remotes that fail: nothing listening, a server that answers 401, one that hangs up, one that never
 * answers, one that echoes our credentials back. The token must never reach an error or a log line.
 */
const TOKEN = 'ghp_Wavegate0TestToken0DoNotLeak0123456789';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

let dir: string;
const servers: Server[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wavegate-git-fail-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

/** A tiny HTTP "git host" on 127.0.0.1 that records the headers it received. */
async function fakeHost(handle: (res: import('node:http').ServerResponse, socket: Socket) => void) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    handle(res, req.socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/fleet.git`, seen };
}

function adapterFor(url: string, auth?: GitAuth, timeoutMs = 20_000) {
  const logger = captureLogger();
  const repository = createGitRepository({
    repos: { fleet: { url, author: AUTHOR, ...(auth ? { auth } : {}) } },
    workDir: join(dir, 'work'),
    lock: createMemoryLock(),
    sleep: async () => {},
    timeoutMs,
    logger,
  });
  return { repository, logger };
}

/** Everything a caller, a log shipper or an error tracker could print about a failure. */
async function everythingPrinted(error: unknown, logText: string): Promise<string> {
  const parts = [logText];
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const err = e as Error & { details?: unknown };
    parts.push(String(err.message), String(err.stack), JSON.stringify(err.details ?? {}), JSON.stringify(err));
  }
  // The clone's config on disk must not hold the token either.
  for (const entry of await readdir(join(dir, 'work')).catch(() => [])) {
    parts.push(await readFile(join(dir, 'work', entry, '.git', 'config'), 'utf8').catch(() => ''));
  }
  return parts.join('\n');
}

const expectNoSecret = (text: string) => {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(BASIC);
  expect(text).not.toContain('DoNotLeak');
};

describe('git repository: remote failures', () => {
  it('reports a remote with nothing listening as GitUnavailableError (retryable)', async () => {
    const port = await freePort();
    const { repository } = adapterFor(`http://127.0.0.1:${port}/acme/fleet.git`);

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/git fetch of fleet failed: .*(Failed to connect|Couldn't connect)/);
  });

  it('reports a 401 as GitAuthError, sends the token only as a header, and never prints it', async () => {
    const host = await fakeHost((res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fleet"' });
      res.end('Bad credentials');
    });
    const { repository, logger } = adapterFor(host.url, { kind: 'token', token: TOKEN });

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitAuthError);
    expect(error.code).toBe('GIT_AUTH_FAILED');
    expect(error.retryable).toBe(false);
    expect(host.seen[0]?.authorization).toBe(`Basic ${BASIC}`);
    expect(host.seen.every((h) => !String(h['user-agent']).includes(TOKEN))).toBe(true);
    expectNoSecret(await everythingPrinted(error, logger.text()));
  });

  it('scrubs a host that echoes the credentials back in its error message', async () => {
    const host = await fakeHost((res) => {
      // A smart-HTTP answer whose first packet is an ERR carrying what we sent.
      const echo = `ERR access denied for Authorization: Basic ${BASIC} (token ${TOKEN})`;
      const packet = (text: string) => `${(text.length + 4).toString(16).padStart(4, '0')}${text}`;
      res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-advertisement' });
      res.end(packet('# service=git-upload-pack\n') + '0000' + packet(echo));
    });
    const { repository, logger } = adapterFor(host.url, { kind: 'token', token: TOKEN });

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitAuthError); // "access denied"
    expect(error.message).toContain('access denied for Authorization: Basic [REDACTED]');
    expectNoSecret(await everythingPrinted(error, logger.text()));
  });

  it('reports a host that hangs up as GitUnavailableError', async () => {
    const host = await fakeHost((_res, socket) => socket.destroy());
    const { repository, logger } = adapterFor(host.url, { kind: 'token', token: TOKEN });

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitUnavailableError);
    expect(error.message).toMatch(/Empty reply from server|Connection reset|transfer closed/i);
    expectNoSecret(await everythingPrinted(error, logger.text()));
  });

  it('kills a git command that outlives its timeout and says so', async () => {
    const host = await fakeHost(() => {}); // never answers
    const { repository } = adapterFor(host.url, { kind: 'token', token: TOKEN }, 1_500);
    const started = Date.now();

    const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

    expect(error).toBeInstanceOf(GitUnavailableError);
    expect(error.details).toMatchObject({ reason: 'timeout', timeoutMs: 1_500 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops at once when the caller aborts, with the caller\'s reason', async () => {
    const host = await fakeHost(() => {});
    const { repository } = adapterFor(host.url);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 300);

    await expect(repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' }), controller.signal)).rejects.toThrow(
      'shutting down',
    );
  });

  it('uses the configured SSH key alone, non-interactively, and reports a refused key as GitAuthError', async () => {
    // A stand-in `ssh` first on PATH: records its arguments and refuses like OpenSSH does.
    const bin = join(dir, 'bin');
    const argsFile = join(dir, 'ssh-args');
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    await writeFile(
      join(bin, 'ssh'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\necho 'git@127.0.0.1: Permission denied (publickey).' >&2\nexit 255\n`,
    );
    await chmod(join(bin, 'ssh'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const keyPath = join(dir, 'deploy key');
      const { repository } = adapterFor('ssh://git@127.0.0.1:2222/acme/fleet.git', {
        kind: 'sshKey',
        keyPath,
        knownHostsPath: join(dir, 'known_hosts'),
      });

      const error = await repository.apply(promotion({ clusters: ['eu-1'], version: '1.4.2' })).catch((e) => e);

      expect(error).toBeInstanceOf(GitAuthError);
      const args = (await readFile(argsFile, 'utf8')).split('\n');
      expect(args.slice(0, 2)).toEqual(['-i', keyPath]); // quoted through the shell intact
      expect(args).toEqual(expect.arrayContaining(['IdentitiesOnly=yes', 'BatchMode=yes', 'StrictHostKeyChecking=yes']));
      expect(args).toContain(`UserKnownHostsFile=${join(dir, 'known_hosts')}`);
    } finally {
      process.env.PATH = path;
    }
  });

  it('refuses configuration that would put credentials in a URL or send a token to a non-HTTP remote', () => {
    const make = (url: string, auth?: GitAuth) => () => adapterFor(url, auth);
    expect(make(`https://x-access-token:${TOKEN}@github.com/acme/fleet.git`)).toThrow(/must not carry credentials/);
    expect(make('git@github.com:acme/fleet.git', { kind: 'token', token: TOKEN })).toThrow(/token auth needs an http/);
    expect(make('ext::sh -c touch% /tmp/pwned')).toThrow(/url must be/);
    expect(make('--upload-pack=touch /tmp/pwned')).toThrow(/url must be/);
    try {
      make(`https://x-access-token:${TOKEN}@github.com/acme/fleet.git`)();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(TOKEN);
    }
  });
});
