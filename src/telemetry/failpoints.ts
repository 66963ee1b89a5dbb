/**
 * Failpoints: named places where a crash test may kill the process, to prove that a crash at any of
 * them loses nothing and duplicates nothing (the approach of etcd's gofail and TiKV's fail-rs).
 * Off unless `WAVEGATE_FAILPOINTS` is set; a production process never sets it.
 *
 * `WAVEGATE_FAILPOINTS=git.afterCommit:2,rollout.afterAction:5` kills the process with SIGKILL the 2nd
 * time it passes `git.afterCommit` and the 5th time it passes `rollout.afterAction`.
 */
export type Failpoint = (name: string) => void;

export const noFailpoints: Failpoint = () => undefined;

export function failpointsFromEnv(env: NodeJS.ProcessEnv, kill: () => void = () => process.kill(process.pid, 'SIGKILL')): Failpoint {
  const spec = env.WAVEGATE_FAILPOINTS;
  if (!spec) return noFailpoints;
  const targets = new Map<string, number>();
  for (const part of spec.split(',')) {
    const [name, n] = part.split(':');
    if (name) targets.set(name.trim(), Math.max(1, Number(n ?? 1) || 1));
  }
  const hits = new Map<string, number>();
  return (name) => {
    const target = targets.get(name);
    if (target === undefined) return;
    const count = (hits.get(name) ?? 0) + 1;
    hits.set(name, count);
    if (count === target) kill();
  };
}

/** Every failpoint wavegate passes, for crash tests to iterate over. */
export const FAILPOINTS = [
  'analysis.afterMeasure',
  'rollout.beforeAction',
  'rollout.afterAction',
  'rollout.afterSave',
  'git.afterCommit',
  'git.afterPush',
] as const;
