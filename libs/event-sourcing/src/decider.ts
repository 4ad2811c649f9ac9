/**
 * An aggregate's behaviour as three pure parts (docs/adr/0016-decider-kit.md):
 * - `decide` checks a command against the current state (and what the context lets it look
 *   at: the clock, a policy, another aggregate) and returns the events that record it, `[]`
 *   when it changes nothing, or throws the aggregate's coded refusal;
 * - `evolve` folds one event into the state; it is total, so a replay never stops;
 * - `initialState` is the state before the first event.
 *
 * The delivery, directory and routing deciders are written as such functions in their domain
 * libraries; their tests put them together as a `Decider` and run them with
 * `DeciderSpecification` (`@vdx/event-sourcing/testing`).
 */
export interface Decider<Command, Event, State, Context = void> {
  readonly decide: (command: Command, state: State, context: Context) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/** The part of a decider that rebuilds state from events. */
export type Evolver<Event, State> = Pick<Decider<never, Event, State, never>, 'evolve' | 'initialState'>;

/** The state after `events`, in order, from `from` (the decider's initial state by default). */
export function foldEvents<Event, State>(decider: Evolver<Event, State>, events: Iterable<Event>, from: State = decider.initialState()): State {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Decides `command` against `state` and folds the decision in: the events and the state after them. */
export function handleCommand<Command, Event, State, Context>(
  decider: Decider<Command, Event, State, Context>,
  state: State,
  command: Command,
  context: Context,
): { readonly events: readonly Event[]; readonly state: State } {
  const events = decider.decide(command, state, context);
  return { events, state: foldEvents(decider, events, state) };
}
