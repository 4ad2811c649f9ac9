import { foldEvents, handleCommand, type Decider } from '../decider';

/** A class of errors, as `toBeInstanceOf` takes it. */
export type ErrorClass<R extends Error> = abstract new (...args: never[]) => R;

export interface DeciderSpecificationOptions<Context, Refusal extends Error> {
  /** The context every decision gets; a scenario's `when` may override some of its fields. */
  readonly context?: Context;
  /**
   * What `decide` throws to refuse a command: its class, and the fields (besides `code`) every
   * refusal is compared on unless the scenario names them, e.g. `{ path: 'deliveryId' }`.
   */
  readonly refusal?: { readonly type: ErrorClass<Refusal>; readonly fields?: Readonly<Record<string, unknown>> };
}

/** What a scenario may assert about the decision it ran. */
export interface DecisionOutcome<Command, Event, State, Refusal extends Error> {
  /**
   * The command is decided into exactly `expected` (`[]`: it changes nothing), which may be
   * given as a function of the command (events that carry it); returns the events.
   */
  then(expected: readonly Event[] | ((command: Command) => readonly Event[])): readonly Event[];
  /** The command is decided into one event, of `type`; returns it for further assertions. */
  thenOne<T extends string>(type: T): Extract<Event, { readonly type: T }>;
  /** The state after the decision's events is `expected`; returns it. */
  thenState(expected: State): State;
  /**
   * The command is refused: `decide` throws the refusal class with `code`, and with `fields`
   * (merged over the specification's defaults). Returns the error for further assertions.
   */
  thenThrows(code: string, fields?: Readonly<Record<string, unknown>>): Refusal;
}

export interface Scenario<Command, Event, State, Context, Refusal extends Error> {
  /** Decides `command` against the scenario's state; `context` overrides fields of the specification's. */
  when(command: Command, context?: Partial<Context>): DecisionOutcome<Command, Event, State, Refusal>;
}

/** Given/when/then over a {@link Decider}: `given(events).when(command).then(events)` or `.thenThrows(code)`. */
export interface DeciderSpecification<Command, Event, State, Context, Refusal extends Error> {
  /** The state the decider folds from `events` (none: its initial state). */
  given(events?: readonly Event[]): Scenario<Command, Event, State, Context, Refusal>;
  /** A state given as it is (a registry built elsewhere, a snapshot). */
  givenState(state: State): Scenario<Command, Event, State, Context, Refusal>;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function scenario<C, E, S, X, R extends Error>(decider: Decider<C, E, S, X>, options: DeciderSpecificationOptions<X, R>, state: S): Scenario<C, E, S, X, R> {
  return {
    when(command, override) {
      // A class instance (a fake directory) is passed on as it is; spreading it would lose its methods.
      const context = (override === undefined ? options.context : { ...options.context, ...override }) as X;
      const decide = () => handleCommand(decider, state, command, context);
      return {
        then(expected) {
          const { events } = decide();
          expect(events).toEqual(typeof expected === 'function' ? expected(command) : expected);
          return events;
        },
        thenOne(type) {
          const { events } = decide();
          expect(events.map((e) => (e as { readonly type?: unknown }).type)).toEqual([type]);
          return events[0] as Extract<E, { readonly type: typeof type }>;
        },
        thenState(expected) {
          const after = decide().state;
          expect(after).toEqual(expected);
          return after;
        },
        thenThrows(code, fields = {}) {
          let decided: readonly E[] | undefined;
          let thrown: unknown;
          try {
            decided = decide().events;
          } catch (err) {
            thrown = err;
          }
          if (decided !== undefined) throw new Error(`expected the command to be refused with ${code}, but it was decided into ${show(decided)}`);
          if (options.refusal) expect(thrown).toBeInstanceOf(options.refusal.type);
          const wanted: Record<string, unknown> = { code, ...options.refusal?.fields, ...fields };
          const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as Record<string, unknown>;
          const seen = Object.fromEntries(Object.keys(wanted).map((k) => [k, error[k]]));
          expect(seen).toEqual(wanted);
          return thrown as R;
        },
      };
    },
  };
}

/** Builds the given/when/then of one decider; see {@link DeciderSpecification}. */
export const DeciderSpecification = {
  for<Command, Event, State, Context = void, Refusal extends Error = Error>(
    decider: Decider<Command, Event, State, Context>,
    options: DeciderSpecificationOptions<NoInfer<Context>, Refusal> = {},
  ): DeciderSpecification<Command, Event, State, Context, Refusal> {
    return {
      given: (events = []) => scenario(decider, options, foldEvents(decider, events)),
      givenState: (state) => scenario(decider, options, state),
    };
  },
};
