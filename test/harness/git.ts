import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real Git repositories for adapter tests, all inside one temp dir: a bare "remote" holding a small
 * fleet, clones acting as other writers, and a pre-receive hook that refuses on demand. Every command
 * runs with a built environment (no inherited GIT_DIR, no global or system config) and a ceiling on
 * repository discovery, so nothing here can touch the project's own repository.
 */

export const CLUSTERS = ['eu-1', 'eu-2', 'us-1', 'us-2'] as const;

/** A Helm values file with the comments, quoting and blank lines a person leaves. */
export function valuesFile(cluster: string, tag = '1.4.1'): string {
  return `# Payments in ${cluster}. Owned by team-payments; wavegate edits image.tag only.
replicaCount: 3   # HPA scales from here

image:
  repository: ghcr.io/acme/payments  # mirrored registry
  # The version wavegate promotes and rolls back.
  tag: "${tag}"
  pullPolicy: IfNotPresent

resources:
  limits: { cpu: 500m, memory: 256Mi }
  requests:
    cpu: 100m     # measured in 2024
    memory: 128Mi

sidecars:
  - name: proxy
    image: 'envoyproxy/envoy:v1.29.1'
`;
}

export function kustomizationFile(cluster: string, tag = '1.4.1'): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: payments   # ${cluster}
resources:
  - ../../../base/payments

images:
  # Promoted by wavegate.
  - name: ghcr.io/acme/payments
    newTag: ${tag}
  - name: ghcr.io/acme/worker
    newName: mirror.acme.io/worker
    newTag: "2.0"
`;
}

export const valuesPath = (cluster: string) => `clusters/${cluster}/apps/payments/values.yaml`;
export const kustomizationPath = (cluster: string) => `clusters/${cluster}/apps/payments/kustomization.yaml`;

/** The initial commit: a README plus a values file and a kustomization per cluster. */
export function fleetFiles(): Record<string, string> {
  const files: Record<string, string> = { 'README.md': '# fleet\n' };
  for (const cluster of CLUSTERS) {
    files[valuesPath(cluster)] = valuesFile(cluster);
    files[kustomizationPath(cluster)] = kustomizationFile(cluster);
  }
  return files;
}

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const AUTHOR = { name: 'Fleet Admin', email: 'admin@fleet.test' };

/** The environment of every harness command: isolated from the host's and the project's git. */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    ...extra,
  };
}

/** Runs git in `cwd`; rejects on a non-zero exit unless `allowFailure`. */
export function git(
  cwd: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; allowFailure?: boolean } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: isolatedEnv({ GIT_CEILING_DIRECTORIES: dirname(cwd), ...options.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`git ${args.join(' ')} (in ${cwd}) exited ${code}: ${stderr.trim()}`));
      } else resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // git may exit without reading its input; the exit code tells
    child.stdin.end(options.input ?? '');
  });
}

export interface RemoteCommit {
  sha: string;
  parents: string[];
  subject: string;
  /** The whole message, as committed. */
  message: string;
  /** Parsed by `git interpret-trailers --parse`, the way other tools will read them. */
  trailers: Array<[string, string]>;
  authorName: string;
  authorEmail: string;
}

export interface OutsideWriter {
  dir: string;
  /** Writes files, commits, and pushes (fetching and rebasing when the branch moved). Returns the sha. */
  commit(files: Record<string, string>, message: string): Promise<string>;
  /**
   * The same, synchronously: for a test that must push between two of the adapter's git commands
   * (from a logger callback), which no asynchronous helper can do deterministically.
   */
  commitNow(files: Record<string, string>, message: string): void;
}

export interface TestRemote {
  /** The temp dir holding everything; give adapters work dirs under it with `workDir()`. */
  root: string;
  /** The bare repository. */
  bare: string;
  /** `file://` URL of the bare repository. */
  url: string;
  branch: string;
  /** A fresh, empty directory for an adapter's working clones. */
  workDir(): Promise<string>;
  /** A clone that commits and pushes as another writer would. */
  writer(name: string): Promise<OutsideWriter>;
  /** Install a pre-receive hook that prints `message` (each line) and refuses every push. */
  rejectPushes(message: string): Promise<void>;
  acceptPushes(): Promise<void>;
  head(): Promise<string>;
  /** First-parent log of the branch, newest first. */
  log(limit?: number): Promise<RemoteCommit[]>;
  /** The file at the branch head (or `rev`), null when absent. */
  readFile(path: string, rev?: string): Promise<string | null>;
  /** Every value the branch ref has held, oldest first, from the bare repo's reflog. */
  refHistory(): Promise<string[]>;
  isAncestor(older: string, newer: string): Promise<boolean>;
  /** Commits reachable from the head that have more than one parent. */
  mergeCommits(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function createTestRemote(options: { branch?: string; files?: Record<string, string> } = {}): Promise<TestRemote> {
  const branch = options.branch ?? 'main';
  const root = await mkdtemp(join(tmpdir(), 'wavegate-git-'));
  const bare = join(root, 'remote.git');
  const url = `file://${bare}`;
  await git(root, ['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
  // Record every update of the branch, so a test can prove no push ever rewrote it.
  await git(bare, ['config', 'core.logAllRefUpdates', 'always']);

  const seed = join(root, 'seed');
  await git(root, ['init', '--quiet', `--initial-branch=${branch}`, seed]);
  await writeFiles(seed, options.files ?? fleetFiles());
  await git(seed, ['add', '--all']);
  await git(seed, ['commit', '--quiet', '-m', 'fleet: initial layout']);
  await git(seed, ['push', '--quiet', url, `HEAD:refs/heads/${branch}`]);

  let dirs = 0;
  const hook = join(bare, 'hooks', 'pre-receive');

  const log = async (limit = 1_000): Promise<RemoteCommit[]> => {
    const out = await git(bare, ['log', '--first-parent', `--max-count=${limit}`, '--format=%H%x1f%P%x1f%an%x1f%ae%x1f%B%x1e', branch]);
    const records = out.stdout.split('\x1e').map((r) => r.replace(/^\n/, '')).filter(Boolean);
    return Promise.all(
      records.map(async (record) => {
        const [sha = '', parents = '', authorName = '', authorEmail = '', message = ''] = record.split('\x1f');
        const parsed = await git(bare, ['interpret-trailers', '--parse'], { input: message });
        const trailers = parsed.stdout
          .split('\n')
          .filter(Boolean)
          .map((line): [string, string] => {
            const colon = line.indexOf(':');
            return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
          });
        return {
          sha,
          parents: parents.split(' ').filter(Boolean),
          subject: message.split('\n')[0] ?? '',
          message,
          trailers,
          authorName,
          authorEmail,
        };
      }),
    );
  };

  return {
    root,
    bare,
    url,
    branch,
    async workDir() {
      const dir = join(root, `work-${++dirs}`);
      await mkdir(dir);
      return dir;
    },
    async writer(name) {
      const dir = join(root, `writer-${name}`);
      await git(root, ['clone', '--quiet', '--branch', branch, url, dir]);
      return {
        dir,
        async commit(files, message) {
          await writeFiles(dir, files);
          await git(dir, ['add', '--all']);
          await git(dir, ['commit', '--quiet', '-m', message]);
          for (let attempt = 1; ; attempt++) {
            const pushed = await git(dir, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { allowFailure: true });
            if (pushed.code === 0) break;
            if (attempt >= 200) throw new Error(`outside writer could not push: ${pushed.stderr}`);
            await git(dir, ['pull', '--quiet', '--rebase', 'origin', branch]);
          }
          return (await git(dir, ['rev-parse', 'HEAD'])).stdout.trim();
        },
        commitNow(files, message) {
          const run = (args: string[]) =>
            execFileSync('git', args, { cwd: dir, env: isolatedEnv({ GIT_CEILING_DIRECTORIES: root }), stdio: 'pipe' });
          run(['pull', '--quiet', '--rebase', 'origin', branch]);
          for (const [path, content] of Object.entries(files)) {
            mkdirSync(dirname(join(dir, path)), { recursive: true });
            writeFileSync(join(dir, path), content);
          }
          run(['add', '--all']);
          run(['commit', '--quiet', '-m', message]);
          run(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
        },
      };
    },
    async rejectPushes(message) {
      const lines = message.split('\n').map((line) => `echo '${line.replace(/'/g, `'\\''`)}' >&2`);
      await writeFile(hook, ['#!/bin/sh', 'cat >/dev/null', ...lines, 'exit 1', ''].join('\n'));
      await chmod(hook, 0o755);
    },
    async acceptPushes() {
      await rm(hook, { force: true });
    },
    async head() {
      return (await git(bare, ['rev-parse', branch])).stdout.trim();
    },
    log,
    async readFile(path, rev = branch) {
      const shown = await git(bare, ['show', `${rev}:${path}`], { allowFailure: true });
      return shown.code === 0 ? shown.stdout : null;
    },
    async refHistory() {
      const out = await git(bare, ['reflog', 'show', '--format=%H', `refs/heads/${branch}`]);
      return out.stdout.split('\n').filter(Boolean).reverse();
    },
    async isAncestor(older, newer) {
      const result = await git(bare, ['merge-base', '--is-ancestor', older, newer], { allowFailure: true });
      return result.code === 0;
    },
    async mergeCommits() {
      const out = await git(bare, ['rev-list', '--merges', branch]);
      return out.stdout.split('\n').filter(Boolean);
    },
    async cleanup() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Reads a file of a checkout (for asserting on a writer's or work dir's tree). */
export function readWorkFile(dir: string, path: string): Promise<string> {
  return readFile(join(dir, path), 'utf8');
}
