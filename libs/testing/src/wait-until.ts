import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';

/** How long one wait may take: every wait names its own deadline, sized for what it waits for. */
export interface WaitOptions {
  /** The deadline of this wait, in ms from its start. */
  readonly timeoutMs: number;
  /** Pause between two checks (default 100 ms). */
  readonly intervalMs?: number;
}

/**
 * Thrown by a `check` that knows the wait can no longer succeed (a service it waits for has
 * exited): {@link waitUntil} rethrows it at once instead of polling until its deadline.
 */
export class StopWaiting extends CodedError<'TESTING.STOP_WAITING'> {
  override readonly name = 'StopWaiting';
  constructor(message: string, options?: CodedErrorOptions) {
    super('TESTING.STOP_WAITING', message, options);
  }
}

/** What a wait last saw: a value its check returned, or an error it threw. */
export type LastSeen = { readonly value: unknown } | { readonly error: unknown };

/** A wait that reached its deadline (`TESTING.WAIT_TIMEOUT`): what it waited for, for how long, and what it last saw. */
export class WaitTimeout extends CodedError<'TESTING.WAIT_TIMEOUT'> {
  override readonly name = 'WaitTimeout';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly checks: number,
    /** The last value the check returned, or the last error it threw (also the `cause`). */
    readonly last: LastSeen,
    /** A check was still running at the deadline (it is not waited for). */
    readonly stillRunning = false,
  ) {
    const running = stillRunning ? '; a check was still running at the deadline' : '';
    super('TESTING.WAIT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what} (${checks} check${checks === 1 ? '' : 's'}; ${describeLast(last)}${running})`, 'error' in last ? { cause: last.error } : {});
  }
}

function describeLast(last: LastSeen): string {
  if ('error' in last) {
    const e = last.error;
    return `last error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 4000);
  }
  let text: string;
  try {
    text = JSON.stringify(last.value) ?? String(last.value);
  } catch {
    text = String(last.value);
  }
  return `last value: ${text.length > 2000 ? `${text.slice(0, 2000)}…` : text}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const PENDING: unique symbol = Symbol('pending');

/**
 * Resolves with the first value of `check` that is neither `false` nor `undefined`, checking
 * every `intervalMs` until the call's own deadline (`timeoutMs`). A check that throws counts as
 * "not yet" (a service still starting refuses connections), and its error is kept: at the
 * deadline the wait fails with a {@link WaitTimeout} naming `what` and the last value or error
 * seen (the error as `cause`). A check still running at the deadline does not hold the wait up.
 * A check that throws {@link StopWaiting} ends the wait at once with that error.
 */
export async function waitUntil<T>(what: string, check: () => Promise<T | false | undefined> | T | false | undefined, options: WaitOptions): Promise<T> {
  const { timeoutMs, intervalMs = 100 } = options;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`waitUntil(${what}): timeoutMs must be a positive number of milliseconds, not ${String(timeoutMs)}`);
  const deadline = Date.now() + timeoutMs;
  let last: LastSeen = { value: undefined };
  let checks = 0;
  for (;;) {
    checks += 1;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<typeof PENDING>((resolve) => (timer = setTimeout(() => resolve(PENDING), Math.max(0, deadline - Date.now()))));
    try {
      const v = await Promise.race([Promise.resolve().then(check), expired]);
      if (v === PENDING) throw new WaitTimeout(what, timeoutMs, checks, last, true);
      if (v !== false && v !== undefined) return v as T;
      last = { value: v };
    } catch (err) {
      if (err instanceof StopWaiting || err instanceof WaitTimeout) throw err;
      last = { error: err };
    } finally {
      clearTimeout(timer);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeout(what, timeoutMs, checks, last);
    await sleep(Math.min(intervalMs, left));
  }
}

/**
 * `step`, or a {@link WaitTimeout} naming `what` once `timeoutMs` have passed (the step itself is
 * not cancelled): for a one-shot wait, a connect or a catch-up, so that a test stuck in it says
 * where, instead of running into Jest's bare timeout.
 */
export async function within<T>(what: string, step: Promise<T>, options: Pick<WaitOptions, 'timeoutMs'>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeout(what, options.timeoutMs, 1, { value: undefined }, true)), options.timeoutMs);
  });
  try {
    return await Promise.race([step, expired]);
  } finally {
    clearTimeout(timer);
  }
}

