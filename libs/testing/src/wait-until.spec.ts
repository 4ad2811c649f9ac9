import { StopWaiting, WaitTimeout, waitUntil, within } from './wait-until';

const failure = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('waitUntil', () => {
  it('resolves with the first value that is neither false nor undefined', async () => {
    let n = 0;
    expect(await waitUntil('three checks', () => (++n >= 3 ? n : false), { timeoutMs: 5000, intervalMs: 1 })).toBe(3);
    expect(await waitUntil('a zero', () => 0, { timeoutMs: 100 })).toBe(0);
  });

  it('treats a throwing check as not yet, and reports its last error at the deadline, as the cause', async () => {
    let n = 0;
    expect(await waitUntil('a flaky check', () => (++n < 3 ? Promise.reject(new Error(`refused ${n}`)) : 'up'), { timeoutMs: 5000, intervalMs: 1 })).toBe('up');
    const err = await failure(waitUntil('the service answering', () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:1')), { timeoutMs: 50, intervalMs: 10 }));
    expect(err).toBeInstanceOf(WaitTimeout);
    const timeout = err as WaitTimeout;
    expect(timeout.message).toMatch(/^timed out after 50 ms waiting for the service answering \(\d+ checks; last error: Error: ECONNREFUSED 127\.0\.0\.1:1\)$/);
    expect(timeout.cause).toEqual(new Error('ECONNREFUSED 127.0.0.1:1'));
    expect(timeout).toMatchObject({ what: 'the service answering', timeoutMs: 50, stillRunning: false });
    expect(timeout.checks).toBeGreaterThan(1);
  });

  it('reports the last value seen when the check never holds', async () => {
    const err = (await failure(waitUntil('3 items', () => (['a'].length >= 3 ? true : undefined), { timeoutMs: 30, intervalMs: 5 }))) as WaitTimeout;
    expect(err.message).toContain('last value: undefined');
    const listed = (await failure(waitUntil('an empty list to fill', () => ({ items: [1, 2] }).items.length > 5 || false, { timeoutMs: 30, intervalMs: 5 }))) as WaitTimeout;
    expect(listed.message).toContain('last value: false');
  });

  it('does not wait past its deadline for a check that hangs', async () => {
    const started = Date.now();
    const err = (await failure(waitUntil('a hanging call', () => new Promise<boolean>(() => undefined), { timeoutMs: 50 }))) as WaitTimeout;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(WaitTimeout);
    expect(err.stillRunning).toBe(true);
    expect(err.message).toContain('a check was still running at the deadline');
  });

  it('stops at once when the check says the wait cannot succeed', async () => {
    const started = Date.now();
    const err = await failure(waitUntil('a dead service', () => Promise.reject(new StopWaiting('gateway exited with code 1')), { timeoutMs: 60_000 }));
    expect(err).toEqual(new StopWaiting('gateway exited with code 1'));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a deadline of %p', async (timeoutMs) => {
    await expect(waitUntil('nothing', () => true, { timeoutMs })).rejects.toThrow(RangeError);
  });
});

describe('within', () => {
  it('gives the step its value, or its own error', async () => {
    expect(await within('a quick step', Promise.resolve(7), { timeoutMs: 1000 })).toBe(7);
    const err = await failure(within('a failing step', Promise.reject(new Error('refused')), { timeoutMs: 1000 }));
    expect(err).toEqual(new Error('refused'));
  });

  it('names the step that did not finish by its deadline', async () => {
    const err = await failure(within('the follower catching up', new Promise(() => undefined), { timeoutMs: 50 }));
    expect(err).toBeInstanceOf(WaitTimeout);
    expect(err).toMatchObject({ code: 'TESTING.WAIT_TIMEOUT', what: 'the follower catching up', timeoutMs: 50, stillRunning: true });
    expect((err as Error).message).toContain('timed out after 50 ms waiting for the follower catching up');
  });
});

