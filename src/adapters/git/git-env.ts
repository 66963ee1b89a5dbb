import type { GitAuth } from './options.js';

/**
 * The child's whole environment, built rather than inherited: a stray `GIT_DIR`, `GIT_WORK_TREE` or
 * `GIT_INDEX_FILE` in our own environment (set when wavegate runs inside a hook, say) must never point
 * git at another repository, and the host's global or system git config must not change what we do.
 */
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'GNUPGHOME', // openpgp signing
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
];

/** Config every command runs with, passed through the environment so that argv stays clean. */
const BASE_CONFIG: Array<[string, string]> = [
  ['core.hooksPath', '/dev/null'], // a fleet repo's hooks never run in our clone
  ['core.askPass', ''],
  ['credential.helper', ''], // no helper may prompt or store anything
  ['protocol.ext.allow', 'never'],
  ['commit.gpgSign', 'false'], // signing only when configured, with an explicit -S
  ['gc.autoDetach', 'false'], // a background gc would hold locks after our command returned
  ['advice.detachedHead', 'false'],
  ['init.defaultBranch', 'wavegate-unborn'],
];

export interface GitEnvironment {
  env: Record<string, string>;
  /** Strings that must never appear in a log line or an error, in every form git might echo them. */
  secrets: string[];
}

export function gitEnvironment(url: string, auth: GitAuth | undefined, parent: NodeJS.ProcessEnv = process.env): GitEnvironment {
  const env: Record<string, string> = {};
  for (const name of PASS_THROUGH) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    LC_ALL: 'C', // parseable, untranslated messages
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '', // empty, not unset: an empty value stops git from trying core.askPass / SSH_ASKPASS
    SSH_ASKPASS: '',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  });
  const config = [...BASE_CONFIG];
  const secrets: string[] = [];

  if (auth?.kind === 'token') {
    const pair = `${auth.username ?? 'x-access-token'}:${auth.token}`;
    const basic = Buffer.from(pair).toString('base64');
    // Scoped to the configured URL; redirects are not followed, so the header never reaches another host.
    config.push([`http.${url}.extraHeader`, `Authorization: Basic ${basic}`], ['http.followRedirects', 'false']);
    secrets.push(auth.token, pair, basic, encodeURIComponent(auth.token));
  } else if (auth?.kind === 'sshKey') {
    const options = ['-i', auth.keyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20'];
    if (auth.knownHostsPath) {
      options.push('-o', `UserKnownHostsFile=${auth.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes');
    }
    env.GIT_SSH_COMMAND = ['ssh', ...options].map(shellQuote).join(' ');
    env.GIT_SSH_VARIANT = 'ssh';
  }
  return { env: withConfig(env, config), secrets: [...new Set(secrets)].filter((s) => s.length >= 4) };
}

/** Adds `key=value` config entries through GIT_CONFIG_COUNT/KEY_n/VALUE_n (git ≥ 2.31), after any already there. */
export function withConfig(env: Record<string, string>, entries: Array<[string, string]>): Record<string, string> {
  const out = { ...env };
  let count = Number(out.GIT_CONFIG_COUNT ?? '0');
  for (const [key, value] of entries) {
    out[`GIT_CONFIG_KEY_${count}`] = key;
    out[`GIT_CONFIG_VALUE_${count}`] = value;
    count += 1;
  }
  out.GIT_CONFIG_COUNT = String(count);
  return out;
}

/** GIT_SSH_COMMAND is run by a shell: quote every word. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
