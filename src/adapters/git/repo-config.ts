import { createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { gitEnvironment } from './git-env.js';
import type { GitRepoConfig } from './options.js';
import { makeScrub, type Scrub } from './scrub.js';

/** A configured repository, checked once and ready to run git with. */
export interface RepoRuntime {
  name: string;
  config: GitRepoConfig;
  env: Record<string, string>;
  scrub: Scrub;
}

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Validates the configuration at startup: a bad URL or auth is a deployment error, not a runtime one. */
export function repoRuntime(name: string, config: GitRepoConfig): RepoRuntime {
  const fail = (why: string): never => {
    throw new TypeError(`Git repository "${name}": ${why}`);
  };
  if (!REPO_NAME.test(name)) fail('names are letters, digits, ".", "_" and "-"');
  const kind = urlKind(config.url);
  if (kind === null) fail('url must be https://, http://, ssh://, user@host:path, file:// or an absolute path');
  if (/^[a-z+]+:\/\/[^/]*@/i.test(config.url) && kind !== 'ssh') fail('url must not carry credentials; use auth');
  if (config.auth?.kind === 'token' && kind !== 'http') fail('token auth needs an http(s) url');
  if (config.auth?.kind === 'token' && config.auth.token.length === 0) fail('the token is empty');
  if (config.auth?.kind === 'sshKey' && kind !== 'ssh') fail('sshKey auth needs an ssh url');
  if (!config.author.name.trim() || !/^[^\s<>]+@[^\s<>]+$/.test(config.author.email)) fail('author needs a name and an email');
  const { env, secrets } = gitEnvironment(config.url, config.auth);
  const scrub = makeScrub(secrets);
  return { name, config, env, scrub };
}

function urlKind(url: string): 'http' | 'ssh' | 'file' | null {
  if (url.startsWith('-') || url.includes('::') || /[\s\0]/.test(url)) return null;
  if (/^https?:\/\/[^/]+\/./i.test(url)) return 'http';
  if (/^ssh:\/\/[^/]+\/./i.test(url) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/].*$/.test(url)) return 'ssh';
  if (/^file:\/\/\//i.test(url) || isAbsolute(url)) return 'file';
  return null;
}

/** One working clone per repo+branch: the lock is per repo+branch, so two branches never share a tree. */
export function cloneDir(workDir: string, repo: string, branch: string): string {
  const slug = branch.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(branch).digest('hex').slice(0, 8);
  return join(workDir, `${repo}@${slug}-${hash}`);
}
