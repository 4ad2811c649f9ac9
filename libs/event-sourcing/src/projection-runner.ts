import { EventConsumer, type ConsumedEvent, type EventConsumerOptions, type Kafka } from '@vdx/messaging';
import type { Db } from 'mongodb';
import { applyGuarded, type PositionedWrite } from './guarded-writer';
import { projectionGroupId, type Projection } from './projection';

export type ProjectionRunnerOptions = Omit<EventConsumerOptions, 'groupId' | 'topics'>;

function positioned(projection: Projection, items: readonly ConsumedEvent[]): PositionedWrite[] {
  return items.flatMap(({ event, record }) => {
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    return projection.project(event, position).map((write) => ({ write, position }));
  });
}

/**
 * Keeps a read model current: consumes the projection's topics in group `projection.<name>`
 * and applies each batch's writes with per-document offset guards, so a crash, a rebalance or
 * a redelivery never counts an event twice. A projection must give each document one source
 * partition number (the store updates a document without isolation between writers): records
 * keyed alike across co-partitioned topics, or documents per partition.
 */
export class ProjectionRunner {
  private readonly consumer: EventConsumer;

  constructor(kafka: Kafka, db: Db, readonly projection: Projection, opts: ProjectionRunnerOptions = {}) {
    const write = (writes: readonly PositionedWrite[]) => (projection.write ? projection.write(db, writes, (c) => c) : applyGuarded(db, writes));
    this.consumer = new EventConsumer(
      kafka,
      {
        handle: async (item) => {
          await write(positioned(projection, [item]));
        },
        handleBatch: async (items) => {
          await write(positioned(projection, items));
        },
      },
      // Range assignment gives one member partition p of every topic: a document fed by several
      // co-partitioned topics (a trace) then has one writer, never two instances at once.
      { assignor: 'range', ...opts, groupId: projectionGroupId(projection), topics: projection.topics },
    );
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
