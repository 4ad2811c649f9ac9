/**
 * A time budget shared by every look-up of one package: each request's timeout is cut to what
 * is left, and once it is spent the adapters stop asking (and answer "unknown").
 */
export interface Deadline {
  /** Milliseconds left; zero or less when spent. */
  remaining(): number;
}

/** A deadline `ms` from now on `clock`. */
export function deadlineIn(ms: number, clock: () => number = Date.now): Deadline {
  const end = clock() + ms;
  return { remaining: () => end - clock() };
}

/** No budget beyond each request's own timeout. */
export const NO_DEADLINE: Deadline = Object.freeze({ remaining: () => Number.POSITIVE_INFINITY });
