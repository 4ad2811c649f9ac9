import { ExchangeError } from './exchange.error';

/** The default of `GATEWAY_MAX_SENDS_IN_FLIGHT`: far above what one instance carries at saturation (8–16 sends). */
export const DEFAULT_MAX_SENDS_IN_FLIGHT = 256;

/**
 * Admission of `SendPackage` calls: at most `max` sends of this instance are in flight (from the
 * header read to the receipt answered). One more is refused at once with `EXCHANGE.OVERLOADED`
 * (gRPC RESOURCE_EXHAUSTED), before its body is read and before anything is recorded, so an
 * overloaded gateway answers in milliseconds instead of queueing sends until their deadlines.
 * `max` 0 admits every send.
 */
export class SendAdmission {
  private held = 0;

  constructor(readonly max: number = DEFAULT_MAX_SENDS_IN_FLIGHT) {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`the sends in flight must be a whole number ≥ 0, not ${max}`);
  }

  /** Sends admitted and not yet answered. */
  get inFlight(): number {
    return this.held;
  }

  /** Admits one send and returns its release (idempotent), or throws `EXCHANGE.OVERLOADED`. */
  enter(): () => void {
    if (this.max > 0 && this.held >= this.max) {
      throw new ExchangeError('EXCHANGE.OVERLOADED', `the gateway is carrying ${this.held} sends, as many as it admits at once; nothing was recorded: send again in a second or two`);
    }
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
    };
  }
}
