/**
 * Wait before attempt `attempt` (2, 3, …) after a lost push race: base·factor^(attempt−2), capped,
 * then "equal jitter" — half fixed so that retries spread out, half random so that writers who lost
 * the same race do not collide again. Kargo's defaults: 1 s × 1.5, at most 30 s.
 */
export function backoffDelay(
  attempt: number,
  policy: { baseMs: number; factor: number; maxMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * policy.factor ** Math.max(0, attempt - 2));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Sleeps on an unref'd timer (it never keeps the process alive) and stops early when aborted. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
