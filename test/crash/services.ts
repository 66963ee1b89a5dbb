import { startPrometheus } from '../harness/prometheus.js';
import { startRedis } from '../harness/redis.js';
import { childCommand } from './incarnation.js';
import { history } from './world.js';

/** What every crash test file shares: Prometheus with the history, a private Redis, the child's command. */
export interface CrashServices {
  prometheusUrl: string;
  redisUrl: string;
  command: string[];
  stop(): Promise<void>;
}

export async function startCrashServices(): Promise<CrashServices> {
  const [prometheus, redis, child] = await Promise.all([startPrometheus({ openmetrics: history() }), startRedis(), childCommand()]);
  return {
    prometheusUrl: prometheus.url,
    redisUrl: redis.url,
    command: child.command,
    stop: async () => void (await Promise.all([prometheus.stop(), redis.stop(), child.cleanup()])),
  };
}
