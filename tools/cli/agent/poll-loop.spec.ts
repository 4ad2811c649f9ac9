import { pollDelay } from './agency-agent';
import { pollLoop, type PolledAgent } from './poll-loop';

/** A virtual clock: each sleep advances it; `at` runs a step (a watch breaking or coming back) when the clock passes it. */
function virtualClock(events: { at: number; run: () => void }[]) {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      const to = t + ms;
      for (const e of events.filter((x) => x.at > t && x.at <= to)) e.run();
      t = to;
    },
  };
}

describe('pollLoop (vdx agent run)', () => {
  const intervals = { reconcileMs: 30_000, pollMs: 2_000 };

  it('lists every reconcile interval while the watch runs, every poll interval while it is down, and at once when it breaks', async () => {
    let watching = true;
    const polls: number[] = [];
    const clock = virtualClock([
      { at: 65_000, run: () => (watching = false) }, // the stream breaks mid-pause
      { at: 70_500, run: () => (watching = true) }, // reopened by a listing (the gateway is back)
    ]);
    const agent: PolledAgent = {
      get watching() {
        return watching;
      },
      poll: async () => {
        polls.push(clock.now());
      },
    };
    await pollLoop(agent, intervals, clock, () => clock.now() >= 130_000);
    // 0, 30 s, 60 s while watching; the break at 65 s is seen at the next 2 s step (66 s);
    // then every 2 s until the watch is back (70.5 s): 68 s, 70 s, 72 s; then 30 s apart again.
    expect(polls).toEqual([0, 30_000, 60_000, 66_000, 68_000, 70_000, 72_000, 102_000]);
  });

  it('never waits longer for the poll interval than for the reconcile one', () => {
    expect(pollDelay(true, intervals)).toBe(30_000);
    expect(pollDelay(false, intervals)).toBe(2_000);
    expect(pollDelay(false, { reconcileMs: 1_000, pollMs: 2_000 })).toBe(1_000);
  });

  it('stops without a further listing once stopped during a pause', async () => {
    let stop = false;
    const polls: number[] = [];
    const clock = virtualClock([{ at: 10_000, run: () => (stop = true) }]);
    await pollLoop({ watching: true, poll: async () => void polls.push(clock.now()) }, intervals, clock, () => stop);
    expect(polls).toEqual([0]);
    expect(clock.now()).toBe(10_000);
  });
});
