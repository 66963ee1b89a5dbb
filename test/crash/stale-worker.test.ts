import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRolloutStore } from '../../src/adapters/store/rollout-redis-store.js';
import type { Rollout } from '../../src/core/rollout/rollout.js';
import { childEnv } from './drive.js';
import { spawnIncarnation, type Incarnation } from './incarnation.js';
import { startCrashServices, type CrashServices } from './services.js';
import { CLUSTERS, createWorld, HISTORY_START, INITIAL_VERSION, MIN, plan, type CrashWorld } from './world.js';

/**
 * A stale worker, with real processes: worker A is inside the commit of a promotion when it freezes
 * (SIGSTOP: a long GC pause, a VM freeze); an operator aborts the rollout through worker B's API, B
 * rolls it back, and then A thaws. Every commit carries the rollout's epoch so that A's late change
 * can be refused. To freeze A at that exact point, the test holds the repository's Git lock (as a
 * writer for another app would) until A waits for it; A's long rollout lease keeps B off the rollout
 * until the operator has spoken.
 */
const PREFIX = 'stale:';
const LOCK_KEY = `${PREFIX}git-lock:fleet:main`;

let services: CrashServices;
let world: CrashWorld;
let redis: Redis;
const incarnations: Incarnation[] = [];
const seen: { frozenAt?: Rollout; afterRollback?: Rollout; headAfterRollback?: string; lateCommits?: string[]; versions?: Record<string, string> } = {};

async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 50))) {
    const found = await check();
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

const post = (port: number, path: string, body: unknown) =>
  fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wavegate-user': 'operator' }, body: JSON.stringify(body) });

beforeAll(async () => {
  [services, world] = await Promise.all([startCrashServices(), createWorld()]);
  redis = new Redis(services.redisUrl);
  const store = createRedisRolloutStore({ redis, prefix: PREFIX });
  const clock = { base: HISTORY_START + 5 * MIN, t0: Date.now(), rate: 120 };
  const spawn = async (name: string, leaseTtlMs: number) =>
    spawnIncarnation(name, services.command, childEnv({ redisUrl: services.redisUrl, prometheusUrl: services.prometheusUrl, world, prefix: PREFIX, workDir: await world.remote.workDir(), clock, leaseTtlMs }));
  const [a, b] = await Promise.all([spawn('stale-a', 15_000), spawn('stale-b', 1_000)]);
  incarnations.push(a, b);

  if ((await redis.set(LOCK_KEY, 'another-writer', 'PX', 60_000, 'NX')) !== 'OK') throw new Error('the Git lock was taken');
  const id = ((await (await post(await a.start(), '/api/v1/rollouts', plan('payments', '1.7.0'))).json()) as { id: string }).id;
  seen.frozenAt = await until('A to start its first promotion', async () => {
    const r = await store.get(id);
    return r?.stage.kind === 'promote' ? r : null;
  });
  await new Promise((r) => setTimeout(r, 500)); // A is inside the commit now, polling for the lock
  a.pause();

  const aborted = await post(await b.start(), `/api/v1/rollouts/${id}/abort`, { by: 'operator', why: 'stop the release' });
  if (aborted.status !== 200) throw new Error(`abort answered ${aborted.status}: ${await aborted.text()}`);
  await redis.del(LOCK_KEY);
  seen.afterRollback = await until('B to finish the rollback', async () => {
    const r = await store.get(id);
    return r && r.status !== 'running' ? r : null;
  });
  seen.headAfterRollback = await world.remote.head();

  a.resume();
  await new Promise((r) => setTimeout(r, 6_000)); // A polls the lock at most every second; give it time to push
  const log = await world.remote.log(50);
  seen.lateCommits = log.slice(0, Math.max(0, log.findIndex((c) => c.sha === seen.headAfterRollback))).map((c) => `${c.subject} (${c.trailers.map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  seen.versions = await world.versionsInGit('payments');
}, 90_000);

afterAll(async () => {
  await Promise.all(incarnations.map((inc) => inc.kill()));
  await redis?.quit();
  await Promise.all([world?.close(), services?.stop()]);
});

describe('a worker frozen inside its commit, thawed after the rollout was aborted and rolled back', () => {
  it('was frozen while promoting, and the rollout ended aborted with its clusters restored', () => {
    expect(seen.frozenAt?.stage).toMatchObject({ kind: 'promote', wave: 0, batch: 0 });
    expect(seen.afterRollback?.status).toBe('aborted');
    expect(seen.afterRollback?.epoch).toBeGreaterThan(seen.frozenAt!.epoch);
  });

  // The fence (GitChange.fence, src/rollout/execute-action.ts) runs under the Git lock before each
  // push and refuses a change whose rollout has left the change's epoch: the thawed worker's
  // promotion never lands after the rollback.
  it('refuses the late promotion: Git still names the old version everywhere', () => {
    expect(seen.lateCommits).toEqual([]);
    expect(seen.versions).toEqual(Object.fromEntries(CLUSTERS.map((c) => [c, INITIAL_VERSION])));
  });
});
