import type { GitChange, FileEdit } from '../../../src/core/rollout/git-change.js';
import { createGitRepository } from '../../../src/adapters/git/git-repository.js';
import { createMemoryLock, type Lock } from '../../../src/adapters/git/lock.js';
import type { GitLogger, GitRepoConfig, GitRepositoryOptions } from '../../../src/adapters/git/options.js';
import { valuesPath, type TestRemote } from '../../harness/git.js';

export const AUTHOR = { name: 'wavegate', email: 'wavegate@fleet.test' };

export interface LogLine {
  level: 'debug' | 'info' | 'warn';
  obj: Record<string, unknown>;
  msg: string;
}

/** A logger that keeps every line, to assert on what was (and was not) logged. */
export function captureLogger(): GitLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), text: () => JSON.stringify(lines) };
}

/** An adapter on the test remote (repo name `fleet`) with its own work dir and instant backoff. */
export async function repositoryFor(
  remote: TestRemote,
  overrides: Partial<GitRepositoryOptions> & { repo?: Partial<GitRepoConfig> } = {},
) {
  const logger = captureLogger();
  const sleeps: number[] = [];
  const { repo, ...rest } = overrides;
  const repository = createGitRepository({
    repos: { fleet: { url: remote.url, author: AUTHOR, ...repo } },
    workDir: await remote.workDir(),
    lock: createMemoryLock(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    timeoutMs: 20_000,
    logger,
    ...rest,
  });
  return { repository, logger, sleeps };
}

/** A promotion of `payments` to `version` in some clusters, with wavegate's trailers. */
export function promotion(options: {
  clusters: string[];
  version: string;
  from?: string[];
  rollout?: string;
  wave?: string;
  action?: string;
  epoch?: number;
  branch?: string;
  edits?: FileEdit[];
}): GitChange {
  const { clusters, version, rollout = 'r-1', wave = 'eu-canary', action = 'promote', epoch = 1 } = options;
  return {
    repo: 'fleet',
    branch: options.branch ?? 'main',
    edits:
      options.edits ??
      clusters.map((cluster) => ({
        kind: 'yamlField' as const,
        path: valuesPath(cluster),
        field: 'image.tag',
        value: version,
        ...(options.from ? { expect: options.from } : {}),
      })),
    subject: `wavegate: ${action} payments ${version} to wave ${wave} (${clusters.length} clusters)`,
    body: `Sets payments to ${version} in ${clusters.join(', ')}.\n\n# Evidence: the canary passed (score 97).`,
    trailers: [
      ['Wavegate-Rollout', rollout],
      ['Wavegate-Wave', wave],
      ['Wavegate-Action', action],
      ['Wavegate-Verdict', 'pass'],
      ['Wavegate-Epoch', String(epoch)],
    ],
    idempotencyTrailers: ['Wavegate-Rollout', 'Wavegate-Wave', 'Wavegate-Action', 'Wavegate-Epoch'],
  };
}

export const trailer = (trailers: Array<[string, string]>, key: string) => trailers.find(([k]) => k === key)?.[1];

export type { Lock };
