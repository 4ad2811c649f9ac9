import { ERROR_MAP } from '@vdx/contracts/errors';
import { ExchangeError } from './exchange.error';
import { SendAdmission } from './send-admission';

describe('SendAdmission', () => {
  it('admits up to its limit, refuses the next with EXCHANGE.OVERLOADED, and admits again once one is released', () => {
    const admission = new SendAdmission(2);
    const first = admission.enter();
    admission.enter();
    expect(admission.inFlight).toBe(2);
    let refusal: unknown;
    try {
      admission.enter();
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(ExchangeError);
    expect(refusal).toMatchObject({ code: 'EXCHANGE.OVERLOADED', message: expect.stringContaining('nothing was recorded') });
    expect(admission.inFlight).toBe(2);
    first();
    expect(admission.inFlight).toBe(1);
    expect(() => admission.enter()).not.toThrow();
  });

  it('counts a release once, however often it is called', () => {
    const admission = new SendAdmission(1);
    const release = admission.enter();
    release();
    release();
    expect(admission.inFlight).toBe(0);
    admission.enter();
    expect(() => admission.enter()).toThrow(ExchangeError);
  });

  it('admits every send with a limit of 0', () => {
    const admission = new SendAdmission(0);
    for (let i = 0; i < 1000; i++) admission.enter();
    expect(admission.inFlight).toBe(1000);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a limit of %s', (max) => {
    expect(() => new SendAdmission(max)).toThrow(RangeError);
  });

  it('is answered as a retryable RESOURCE_EXHAUSTED (gRPC) and 503 (HTTP)', () => {
    expect(ERROR_MAP['EXCHANGE.OVERLOADED']).toEqual({ grpc: 8, http: 503, consumer: 'retry' });
  });
});
