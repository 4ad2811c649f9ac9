import { Semaphore } from './semaphore';

/** A task the test finishes by hand. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (err: Error) => void;
  const done = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in arrival order', async () => {
    const semaphore = new Semaphore(2);
    const gates = [gate<number>(), gate<number>(), gate<number>(), gate<number>()];
    const started: number[] = [];
    const results = gates.map((g, i) =>
      semaphore.run(() => {
        started.push(i);
        return g.done;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);
    expect(semaphore.running).toBe(2);

    gates[1]!.open(11);
    await turn();
    expect(started).toEqual([0, 1, 2]);
    expect(semaphore.running).toBe(2);

    gates[0]!.open(10);
    gates[2]!.open(12);
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[3]!.open(13);
    expect(await Promise.all(results)).toEqual([10, 11, 12, 13]);
    expect(semaphore.running).toBe(0);
  });

  it('frees the slot of a task that fails, and passes its error on', async () => {
    const semaphore = new Semaphore(1);
    const failing = gate<never>();
    const first = semaphore.run(() => failing.done);
    const second = semaphore.run(async () => 'ran');
    failing.fail(new Error('responder down'));
    await expect(first).rejects.toThrow('responder down');
    await expect(second).resolves.toBe('ran');
    expect(semaphore.running).toBe(0);
  });

  it('frees the slot of a task that throws before returning a promise', async () => {
    const semaphore = new Semaphore(1);
    await expect(
      semaphore.run(() => {
        throw new Error('bad url');
      }),
    ).rejects.toThrow('bad url');
    await expect(semaphore.run(async () => 1)).resolves.toBe(1);
    expect(semaphore.running).toBe(0);
  });
});
