/**
 * Timing shared by the adapters that retry (Prometheus queries, Git pushes): an abortable sleep and
 * "equal jitter", half of the ceiling fixed so that retries spread out, half random so that clients
 * that failed together do not retry together.
 */

/** Half `ceilingMs` fixed, half random. */
export function equalJitter(ceilingMs: number, random: () => number): number {
  return Math.round(ceilingMs / 2 + (random() * ceilingMs) / 2);
}

/** Sleeps on an unref'd timer (it never keeps the process alive) and stops early when aborted. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
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
