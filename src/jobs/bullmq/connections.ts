import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * BullMQ's own Redis clients, opened from the URL and never shared with the store: a worker blocks a
 * connection for seconds at a time, and BullMQ insists on `maxRetriesPerRequest: null` for workers
 * (a command must wait out a reconnect rather than fail), which is wrong for the store's fast-failing calls.
 */
export interface BullmqConnections {
  /** Producer side (Queue.add, getters) and our own admin reads. */
  queue: Redis;
  /** Given to Workers, which duplicate it for their main and blocking connections; itself never connects. */
  worker: Redis;
  /** Quit both, bounded; a client that does not answer is disconnected. */
  close(timeoutMs?: number): Promise<void>;
}

export function openBullmqConnections(url: string, logger: Logger): BullmqConnections {
  const problem = (which: string) => (err: Error) =>
    logger.warn({ connection: which, code: (err as NodeJS.ErrnoException).code }, 'BullMQ Redis connection problem');
  const queue = new Redis(url, { maxRetriesPerRequest: 2, connectionName: 'wavegate-jobs' });
  const worker = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, connectionName: 'wavegate-worker' });
  queue.on('error', problem('queue'));
  worker.on('error', problem('worker'));
  return {
    queue,
    worker,
    async close(timeoutMs = 2_000) {
      await Promise.all([queue, worker].map((client) => quitBounded(client, timeoutMs)));
    },
  };
}

async function quitBounded(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'end' || client.status === 'wait') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs).unref();
  });
  const outcome = await Promise.race([client.quit().catch(() => 'late' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') client.disconnect();
}

/**
 * BullMQ keeps jobs, locks and schedules as ordinary keys: a Redis that evicts keys under memory
 * pressure silently loses them. Reads `maxmemory-policy` with CONFIG GET, or from INFO where a managed
 * Redis forbids CONFIG; null when neither answers.
 */
export async function readEvictionPolicy(redis: Redis): Promise<string | null> {
  try {
    const reply = (await redis.call('CONFIG', ['GET', 'maxmemory-policy'])) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  } catch {
    // CONFIG disabled or not permitted: INFO usually still is.
  }
  try {
    const info = await redis.info('memory');
    return /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Logs a warning unless the policy is `noeviction`; never throws. Returns the policy read. */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<string | null> {
  const policy = await readEvictionPolicy(redis);
  if (policy === null) {
    logger.info('cannot read Redis maxmemory-policy; BullMQ needs noeviction, please check it');
  } else if (policy !== 'noeviction') {
    logger.warn({ maxmemoryPolicy: policy }, 'Redis maxmemory-policy is not noeviction: under memory pressure Redis may delete queued jobs and their locks');
  }
  return policy;
}
