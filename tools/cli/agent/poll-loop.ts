// When `vdx agent run` lists the inbox: rarely while every watch runs (the listing only
// reconciles what a stream may have missed), often while one is down (the listing is then how
// items arrive, and each listing tries to reopen the watch). Clock and sleep are passed in, so
// the schedule can be tested without waiting.
import { pollDelay, type PollIntervals } from './agency-agent';

/** The part of the agent the loop drives. */
export interface PolledAgent {
  readonly watching: boolean;
  poll(): Promise<void>;
}

export interface PollLoopClock {
  now(): number;
  /** Resolves after `ms`, or earlier when the loop is being stopped. */
  sleep(ms: number): Promise<void>;
}

/**
 * Lists the inbox, then waits {@link pollDelay} before the next listing, until `stopped()`. The
 * wait goes in steps of `pollMs`, so a watch that breaks during a long reconcile pause is noticed
 * within one step and the inbox is listed (and the watch reopened) at once.
 */
export async function pollLoop(agent: PolledAgent, intervals: PollIntervals, clock: PollLoopClock, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    await agent.poll();
    if (stopped()) return;
    const until = clock.now() + pollDelay(agent.watching, intervals);
    while (!stopped() && clock.now() < until) {
      await clock.sleep(Math.min(intervals.pollMs, until - clock.now()));
      if (!agent.watching) break;
    }
  }
}
