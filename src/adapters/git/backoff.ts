import { equalJitter } from '../retry-timing.js';

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
  return equalJitter(Math.min(policy.maxMs, policy.baseMs * policy.factor ** Math.max(0, attempt - 2)), random);
}
