import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abortableSleep } from '../../../src/adapters/retry-timing.js';
import { createMemoryLock, type Lock } from '../../../src/adapters/git/lock.js';
import { createRedisLock } from '../../../src/adapters/git/redis-lock.js';
import type { GitChangeResult, GitRepository } from '../../../src/core/rollout/git-change.js';
import { GitError } from '../../../src/errors/git-errors.js';
import { CLUSTERS, createTestRemote, valuesPath, type TestRemote } from '../../harness/git.js';
import { startRedis, type TestRedis } from '../../harness/redis.js';
import { promotion, repositoryFor, trailer } from './fixtures.js';

/**
 * Four adapters with their own work dirs — as four worker processes have — each promote one cluster
 * through five versions while an outside writer (a person, CI, another tool) keeps pushing unrelated
 * commits. Real git, real timers, real jitter; the backoff is scaled down (base 100 ms instead of 1 s)
 * to keep the test short.
 */
const VERSIONS = ['1.5.0', '1.5.1', '1.5.2', '1.5.3', '1.5.4'];
const BACKOFF = { baseMs: 100, factor: 1.5, maxMs: 3_000 };

let redis: TestRedis;
const clients: Redis[] = [];
let remote: TestRemote;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});
beforeEach(async () => {
  remote = await createTestRemote();
});
afterEach(async () => {
  await remote.cleanup();
});

interface RaceOutcome {
  results: GitChangeResult[];
  /** Changes the "engine" had to run again after a retryable error (all attempts lost). */
  engineRetries: number;
  outsideCommits: number;
}

/** Runs the race; `lockFor(w)` gives writer w its lock (shared or not). */
async function race(lockFor: (writer: number) => Lock, outsidePauseMs: [number, number]): Promise<RaceOutcome> {
  const writers = await Promise.all(
    CLUSTERS.map((_, w) => repositoryFor(remote, { lock: lockFor(w), sleep: abortableSleep, random: Math.random, backoff: BACKOFF })),
  );
  let outsideDone = false;
  let outsideCommits = 0;
  const outside = (async () => {
    const writer = await remote.writer('outside');
    while (!outsideDone) {
      await writer.commit({ [`notes/outside-${outsideCommits}.txt`]: `note ${outsideCommits}\n` }, `notes: ${outsideCommits}`);
      outsideCommits += 1;
      const [min, max] = outsidePauseMs;
      await abortableSleep(min + Math.random() * (max - min));
    }
  })();

  let engineRetries = 0;
  // As the rollout engine would: a retryable failure (every attempt lost the race) runs the change again.
  const applyAsEngine = async (repository: GitRepository, change: ReturnType<typeof promotion>) => {
    for (let run = 1; ; run++) {
      try {
        return await repository.apply(change);
      } catch (err) {
        if (!(err instanceof GitError && err.retryable) || run >= 5) throw err;
        engineRetries += 1;
      }
    }
  };
  let perWriter: GitChangeResult[][];
  try {
    perWriter = await Promise.all(
      writers.map(async ({ repository }, w) => {
        const cluster = CLUSTERS[w] as string;
        const done: GitChangeResult[] = [];
        let previous = '1.4.1';
        for (const version of VERSIONS) {
          const change = promotion({ clusters: [cluster], version, from: [previous], rollout: `race-${cluster}`, wave: version });
          done.push(await applyAsEngine(repository, change));
          previous = version;
        }
        return done;
      }),
    );
  } finally {
    outsideDone = true;
    await outside;
  }
  return { results: perWriter.flat(), engineRetries, outsideCommits };
}

/** No commit lost or duplicated, history linear, and no push ever rewrote the branch. */
async function expectSafeHistory(outcome: RaceOutcome, start: string) {
  const log = await remote.log();
  const ours = log.filter((c) => trailer(c.trailers, 'Wavegate-Rollout')?.startsWith('race-'));
  const refs = await remote.refHistory();

  expect(outcome.results.every((r) => r.created)).toBe(true);
  expect(ours).toHaveLength(CLUSTERS.length * VERSIONS.length);
  const identities = ours.map((c) => `${trailer(c.trailers, 'Wavegate-Rollout')}/${trailer(c.trailers, 'Wavegate-Wave')}`);
  expect(new Set(identities).size).toBe(ours.length);
  expect(new Set(ours.map((c) => c.sha))).toEqual(new Set(outcome.results.map((r) => r.sha)));
  expect(log.filter((c) => c.subject.startsWith('notes: '))).toHaveLength(outcome.outsideCommits);
  for (const cluster of CLUSTERS) {
    expect(await remote.readFile(valuesPath(cluster))).toContain(`tag: "${VERSIONS.at(-1)}"`);
  }
  expect(await remote.mergeCommits()).toEqual([]);
  expect(refs[0]).toBe(start);
  for (let i = 1; i < refs.length; i++) {
    expect(await remote.isAncestor(refs[i - 1] as string, refs[i] as string)).toBe(true);
  }
  // One ref update per commit after the first: nothing rewritten, nothing pushed and then lost.
  expect(refs.length).toBe(log.length);

  const attempts = outcome.results.map((r) => r.attempts);
  return {
    writers: CLUSTERS.length,
    changes: outcome.results.length,
    commits: ours.length,
    outsideCommits: outcome.outsideCommits,
    attemptsTotal: attempts.reduce((a, b) => a + b, 0),
    attemptsMax: Math.max(...attempts),
    changesThatRetried: attempts.filter((a) => a > 1).length,
    engineRetries: outcome.engineRetries,
  };
}

describe('git repository: push race', () => {
  it('lets writers sharing a Redis lock, as worker processes do, all succeed beside a busy outside writer', async () => {
    const start = await remote.head();
    // One client per writer: four processes, one Redis.
    const prefix = `race:${Date.now()}:`;
    const lockFor = () => {
      const client = new Redis(redis.url);
      clients.push(client);
      return createRedisLock({ redis: client, prefix });
    };

    const outcome = await race(lockFor, [300, 700]);

    const report = await expectSafeHistory(outcome, start);
    console.log(`push race (shared Redis lock): ${JSON.stringify(report)}`);
    expect(outcome.engineRetries).toBe(0);
    expect(report.attemptsMax).toBeLessThanOrEqual(10);
  }, 180_000);

  it('stays correct with no shared lock at all: writers race each other and the outside writer, nothing lost or doubled', async () => {
    const start = await remote.head();

    const outcome = await race(() => createMemoryLock(), [300, 700]);

    const report = await expectSafeHistory(outcome, start);
    console.log(`push race (no shared lock): ${JSON.stringify(report)}`);
    expect(report.changesThatRetried).toBeGreaterThan(0); // the race really happened
  }, 180_000);
});
