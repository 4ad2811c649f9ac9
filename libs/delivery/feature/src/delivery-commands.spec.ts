import { DeliveryCommandAnsweredEvent, DeliveryCommandSubmittedEvent, ProbeRecordedEvent, createEvent, type DeliveryCommandAnswered, type DeliveryCommandSubmitted, type EventEnvelope } from '@vdx/contracts';
import { DeliveryError } from '@vdx/delivery-domain';
import type { Outgoing } from '@vdx/messaging';
import { DeliveryCommands, type CommandMeta } from './delivery-commands';
import type { StoredDelivery } from './delivery-store';

const COMMANDS = 'test.delivery.commands';
const DELIVERY_ID = 'pkg-1/000.00.00.G22';
const META: CommandMeta = {
  actor: { kind: 'agency', id: '000.00.00.G22' },
  correlationId: 'pkg-1',
  key: 'doc-1',
  trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: null },
};
const DELIVERY = { deliveryId: DELIVERY_ID, state: 'fetched', version: 2 } as unknown as StoredDelivery;

/** The commands topic in memory: what was published, and a switch to make publishing fail. */
class FakePublish {
  readonly published: Outgoing[] = [];
  failing: Error | null = null;
  readonly publish = async (items: readonly Outgoing[]): Promise<void> => {
    if (this.failing) throw this.failing;
    this.published.push(...items);
  };

  submitted(i = this.published.length - 1): EventEnvelope<DeliveryCommandSubmitted> {
    return this.published[i]!.event as EventEnvelope<DeliveryCommandSubmitted>;
  }
}

/** The owner's answer to the last command published. */
function answer(command: EventEnvelope<DeliveryCommandSubmitted>, over: Partial<DeliveryCommandAnswered> = {}): EventEnvelope<DeliveryCommandAnswered> {
  return createEvent(DeliveryCommandAnsweredEvent, {
    aggregateId: command.payload.deliveryId,
    aggregateSeq: 1,
    actor: { kind: 'system', id: 'delivery' },
    correlationId: command.correlationId,
    causationId: command.eventId,
    payload: { commandId: command.payload.commandId, replyTo: 'instance-0', deliveryId: command.payload.deliveryId, ok: true, errorCode: null, errorPath: null, message: null, delivery: JSON.stringify(DELIVERY), ...over },
  });
}

const settled = (p: Promise<unknown>) =>
  p.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('DeliveryCommands', () => {
  it('records a command for the delivery’s owner, on its key and chain, and hands back the owner’s answer', async () => {
    const bus = new FakePublish();
    const commands = new DeliveryCommands(bus.publish, { commandsTopic: COMMANDS, replyTo: 'instance-0' });
    const running = commands.execute({ kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: 'qlvb-vpcp', result: 'fail', reason: 'sai thể thức' }, META);
    await Promise.resolve();
    expect(bus.published).toHaveLength(1);
    expect(bus.published[0]).toMatchObject({ topic: COMMANDS, key: 'doc-1' });
    const command = bus.submitted();
    expect(command).toMatchObject({ type: DeliveryCommandSubmittedEvent.type, aggregateId: DELIVERY_ID, aggregateSeq: 1, actor: META.actor, correlationId: 'pkg-1', trace: META.trace });
    expect(command.payload).toEqual({ commandId: expect.any(String) as string, kind: 'Acknowledge', deliveryId: DELIVERY_ID, systemId: 'qlvb-vpcp', result: 'fail', reason: 'sai thể thức', operator: null, error: null, replyTo: 'instance-0' });
    commands.answer(answer(command));
    expect(await running).toEqual(DELIVERY);
  });

  it('rejects with the owner’s coded refusal', async () => {
    const bus = new FakePublish();
    const commands = new DeliveryCommands(bus.publish, { commandsTopic: COMMANDS, replyTo: 'instance-0' });
    const running = settled(commands.execute({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: 'qlvb-khac' }, META));
    await Promise.resolve();
    commands.answer(answer(bus.submitted(), { ok: false, errorCode: 'DELIVERY.WRONG_SYSTEM', errorPath: 'systemId', message: 'not your delivery', delivery: null }));
    const { error } = (await running) as { error: DeliveryError };
    expect(error).toBeInstanceOf(DeliveryError);
    expect([error.code, error.path, error.message]).toEqual(['DELIVERY.WRONG_SYSTEM', 'systemId', 'not your delivery']);
  });

  it('ignores answers to commands it is not waiting for, and other events; a late answer changes nothing', async () => {
    const bus = new FakePublish();
    const commands = new DeliveryCommands(bus.publish, { commandsTopic: COMMANDS, replyTo: 'instance-0', timeoutMs: 30 });
    const running = settled(commands.execute({ kind: 'Redrive', deliveryId: DELIVERY_ID, operator: 'ops' }, META));
    await Promise.resolve();
    const mine = bus.submitted();
    commands.answer(answer(mine, { commandId: 'someone-else' }));
    commands.answer(createEvent(ProbeRecordedEvent, { aggregateId: 'p', aggregateSeq: 1, actor: { kind: 'system', id: 'tests' }, correlationId: 'c', payload: { probeId: 'p', seq: 1, note: '', weight: 1 } }));
    const { error } = (await running) as { error: DeliveryError };
    expect([error.code, error.path]).toEqual(['DELIVERY.UNAVAILABLE', 'delivery_id']);
    expect(error.message).toBe(`no answer about delivery ${DELIVERY_ID} within 30 ms; retry (a command is applied at most once)`);
    expect(() => commands.answer(answer(mine))).not.toThrow();
  });

  it('refuses with DELIVERY.UNAVAILABLE when the command cannot be recorded, and forgets it', async () => {
    const bus = new FakePublish();
    bus.failing = new Error('broker down');
    const commands = new DeliveryCommands(bus.publish, { commandsTopic: COMMANDS, replyTo: 'instance-0' });
    const { error } = (await settled(commands.execute({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: 'qlvb-vpcp' }, META))) as { error: DeliveryError };
    expect([error.code, error.message]).toEqual(['DELIVERY.UNAVAILABLE', 'the command could not be recorded (broker down); nothing changed']);
    // Nothing is left waiting: closing rejects no one, and no timer keeps the process up.
    commands.close();
  });

  it('submits the scheduler’s outcomes without waiting, and without a reply address', async () => {
    const bus = new FakePublish();
    const commands = new DeliveryCommands(bus.publish, { commandsTopic: COMMANDS, replyTo: 'instance-0' });
    await commands.submit([
      { command: { kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, error: 'ECONNREFUSED' }, meta: META },
      { command: { kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID }, meta: { ...META, trace: undefined } },
    ]);
    expect(bus.published.map((o) => [o.event.payload, o.event.trace])).toEqual([
      [{ commandId: expect.any(String) as string, kind: 'RecordPushFailure', deliveryId: DELIVERY_ID, systemId: null, result: null, reason: null, operator: null, error: 'ECONNREFUSED', replyTo: null }, META.trace],
      [{ commandId: expect.any(String) as string, kind: 'FlagMissedDeadline', deliveryId: DELIVERY_ID, systemId: null, result: null, reason: null, operator: null, error: null, replyTo: null }, null],
    ]);
    expect(new Set(bus.published.map((o) => (o.event.payload as DeliveryCommandSubmitted).commandId)).size).toBe(2);
  });

  it('takes answers from its consumer handler, one by one or in a batch', async () => {
    const bus = new FakePublish();
    const commands = new DeliveryCommands(bus.publish, { commandsTopic: COMMANDS, replyTo: 'instance-0' });
    const first = commands.execute({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: 'qlvb-vpcp' }, META);
    const second = commands.execute({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: 'qlvb-vpcp' }, META);
    await Promise.resolve();
    const record = { topic: 'replies', partition: 0, offset: '0', key: null, value: null, headers: {} };
    await commands.handler.handle({ event: answer(bus.submitted(0)), record });
    await commands.handler.handleBatch!([{ event: answer(bus.submitted(1)), record }]);
    expect(await Promise.all([first, second])).toEqual([DELIVERY, DELIVERY]);
  });

  it('fails every caller still waiting when it closes', async () => {
    const bus = new FakePublish();
    const commands = new DeliveryCommands(bus.publish, { commandsTopic: COMMANDS, replyTo: 'instance-0' });
    const waiting = settled(commands.execute({ kind: 'Fetch', deliveryId: DELIVERY_ID, systemId: 'qlvb-vpcp' }, META));
    await Promise.resolve();
    commands.close();
    const { error } = (await waiting) as { error: DeliveryError };
    expect([error.code, error.message]).toEqual(['DELIVERY.UNAVAILABLE', 'the delivery service is shutting down; retry']);
  });
});
