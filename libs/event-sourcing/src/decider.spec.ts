import { foldEvents, handleCommand, type Decider } from './decider';
import { DeciderSpecification } from './testing';

// A counter that may not pass a ceiling: the smallest decider with a context and a refusal.
type Command = { readonly kind: 'Add'; readonly by: number } | { readonly kind: 'Reset' };
type Event = { readonly type: 'Added'; readonly by: number } | { readonly type: 'Reset' };
interface Context {
  readonly ceiling: number;
  readonly reason: string;
}

class CounterError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
  ) {
    super(`${code} at ${path}`);
  }
}

const counter: Decider<Command, Event, number, Context> = {
  decide: (command, total, { ceiling }) => {
    if (command.kind === 'Reset') return total === 0 ? [] : [{ type: 'Reset' }];
    if (command.by <= 0) throw new CounterError('COUNTER.NOT_POSITIVE', 'by');
    if (total + command.by > ceiling) throw new CounterError('COUNTER.ABOVE_CEILING', 'total');
    return [{ type: 'Added', by: command.by }];
  },
  evolve: (total, event) => (event.type === 'Added' ? total + event.by : 0),
  initialState: () => 0,
};

const spec = DeciderSpecification.for(counter, { context: { ceiling: 10, reason: 'default' }, refusal: { type: CounterError, fields: { path: 'by' } } });
const added = (by: number): Event => ({ type: 'Added', by });

describe('foldEvents and handleCommand', () => {
  it('fold events in order from the initial state, or from a state given', () => {
    expect(foldEvents(counter, [])).toBe(0);
    expect(foldEvents(counter, [added(2), added(3), { type: 'Reset' }, added(4)])).toBe(4);
    expect(foldEvents(counter, [added(1)], 5)).toBe(6);
  });

  it('returns the decision and the state after it', () => {
    expect(handleCommand(counter, 3, { kind: 'Add', by: 4 }, { ceiling: 10, reason: '' })).toEqual({ events: [added(4)], state: 7 });
    expect(handleCommand(counter, 0, { kind: 'Reset' }, { ceiling: 10, reason: '' })).toEqual({ events: [], state: 0 });
  });
});

describe('DeciderSpecification', () => {
  it('decides against the folded history and compares the events', () => {
    expect(spec.given([added(2), added(3)]).when({ kind: 'Add', by: 5 }).then([added(5)])).toEqual([added(5)]);
    spec.given().when({ kind: 'Reset' }).then([]);
  });

  it('takes the expected events as a function of the command', () => {
    spec.given().when({ kind: 'Add', by: 3 }).then((command) => [added(command.kind === 'Add' ? command.by : 0)]);
  });

  it('starts from a state given as it is', () => {
    spec.givenState(9).when({ kind: 'Add', by: 1 }).then([added(1)]);
    spec.givenState(9).when({ kind: 'Add', by: 1 }).thenState(10);
  });

  it('merges the fields a scenario overrides over the specification’s context', () => {
    spec.given([added(8)]).when({ kind: 'Add', by: 5 }, { ceiling: 20 }).then([added(5)]);
    spec.given([added(8)]).when({ kind: 'Add', by: 5 }).thenThrows('COUNTER.ABOVE_CEILING', { path: 'total' });
  });

  it('returns the one event of a type, and the refusal, for further assertions', () => {
    expect(spec.given().when({ kind: 'Add', by: 2 }).thenOne('Added').by).toBe(2);
    const refusal = spec.given().when({ kind: 'Add', by: 0 }).thenThrows('COUNTER.NOT_POSITIVE');
    expect(refusal.message).toBe('COUNTER.NOT_POSITIVE at by');
  });

  it('fails a scenario whose decision differs from what it expects', () => {
    expect(() => spec.given().when({ kind: 'Add', by: 2 }).then([added(3)])).toThrow(/toEqual/);
    expect(() => spec.given().when({ kind: 'Add', by: 2 }).thenOne('Reset')).toThrow(/toEqual/);
    expect(() => spec.given([added(1)]).when({ kind: 'Add', by: 2 }).thenState(4)).toThrow(/toEqual/);
  });

  it('fails a refusal scenario when nothing is refused, or the code, a field or the class differ', () => {
    expect(() => spec.given().when({ kind: 'Add', by: 2 }).thenThrows('COUNTER.NOT_POSITIVE')).toThrow(
      'expected the command to be refused with COUNTER.NOT_POSITIVE, but it was decided into [{"type":"Added","by":2}]',
    );
    expect(() => spec.given().when({ kind: 'Add', by: -1 }).thenThrows('COUNTER.ABOVE_CEILING')).toThrow(/toEqual/);
    // The default field applies unless the scenario names it: this refusal is at `total`.
    expect(() => spec.given([added(10)]).when({ kind: 'Add', by: 1 }).thenThrows('COUNTER.ABOVE_CEILING')).toThrow(/toEqual/);
    const throwing: Decider<Command, Event, number, Context> = {
      ...counter,
      decide: () => {
        throw new Error('boom');
      },
    };
    const plain = DeciderSpecification.for(throwing, { context: { ceiling: 1, reason: '' }, refusal: { type: CounterError } });
    expect(() => plain.given().when({ kind: 'Reset' }).thenThrows('COUNTER.NOT_POSITIVE')).toThrow(/toBeInstanceOf/);
  });

  it('without a refusal class compares only the code', () => {
    const loose = DeciderSpecification.for(counter, { context: { ceiling: 1, reason: '' } });
    expect(loose.given().when({ kind: 'Add', by: 2 }).thenThrows('COUNTER.ABOVE_CEILING')).toBeInstanceOf(CounterError);
  });
});
