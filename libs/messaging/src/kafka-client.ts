import { KafkaJS } from '@confluentinc/kafka-javascript';

/** How to reach the cluster; one per service process. */
export interface KafkaSettings {
  /** Comma-separated `host:port` list. */
  readonly brokers: string;
  readonly clientId: string;
}

export type Kafka = KafkaJS.Kafka;
export type KafkaConsumer = KafkaJS.Consumer;
export type KafkaProducer = KafkaJS.Producer;
export type KafkaAdmin = KafkaJS.Admin;

/** The client factory; librdkafka's own logging is routed to warnings and errors only. */
export function createKafka(settings: KafkaSettings): Kafka {
  return new KafkaJS.Kafka({
    kafkaJS: { brokers: settings.brokers.split(','), clientId: settings.clientId, logLevel: KafkaJS.logLevel.ERROR },
  });
}
