import { execFile } from 'node:child_process';

/**
 * Runs git for the demo's own bookkeeping (seeding the fleet repo, the simulated Argo CD reading it,
 * the final `git log`). The environment is built, not inherited: the user's global config (signing,
 * hooks, templates) must not change what the demo does.
 */
export function git(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: opts.cwd, env, timeout: opts.timeoutMs ?? 10_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args[0]} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}
