/** A clock a test moves by hand, so live analyses tick over backfilled history on demand. */
export function manualClock(start: number) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}
