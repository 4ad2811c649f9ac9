import { EventEmitter } from 'node:events';
import { exitAfterDeadline, nestLogLevels, SHUTDOWN_DEADLINE_MS } from './run-service';

describe('exitAfterDeadline', () => {
  it('exits 1 and says why when a stop signal is not followed by the end of the process in time', async () => {
    const signals = new EventEmitter();
    const errors: string[] = [];
    const exited = new Promise<number>((resolve) => exitAfterDeadline({ error: (m: string) => errors.push(m) }, 20, resolve, signals));
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(1);
    expect(errors).toEqual(['graceful shutdown after SIGTERM did not finish within 20 ms: exiting']);
  });

  it('does nothing until a signal arrives', () => {
    jest.useFakeTimers();
    try {
      const signals = new EventEmitter();
      const exit = jest.fn();
      exitAfterDeadline({ error: () => undefined }, 20, exit, signals);
      jest.advanceTimersByTime(1_000);
      expect(exit).not.toHaveBeenCalled();
      signals.emit('SIGINT', 'SIGINT');
      jest.advanceTimersByTime(19);
      expect(exit).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('leaves the kubelet time: the deadline is below its default grace period of 30 s', () => {
    expect(SHUTDOWN_DEADLINE_MS).toBeLessThan(30_000);
  });
});

describe('nestLogLevels', () => {
  it('enables the chosen level and those above it', () => {
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
  });
});
