import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_LIBS } from './paths';
import { InfraError, readPid, spawnDaemon, run, stopPid, waitFor, type Progress } from './process-util';
import { probeKafka } from './probes';

export interface KafkaBrokerOptions {
  /** Folder for config, data, log and pid of this broker. */
  readonly dir: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly heapMb?: number;
}

const LOG4J2 = `Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        Pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
`;

/** A single-node KRaft broker (broker and controller in one JVM) bound to 127.0.0.1. */
export class KafkaBroker {
  constructor(readonly opts: KafkaBrokerOptions) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.opts.port}`;
  }

  private get pidFile(): string {
    return join(this.opts.dir, 'kafka.pid');
  }

  get logFile(): string {
    return join(this.opts.dir, 'kafka.log');
  }

  pid(): number | null {
    return readPid(this.pidFile);
  }

  private writeConfig(): string {
    const { dir, port, controllerPort } = this.opts;
    const file = join(dir, 'server.properties');
    writeFileSync(
      file,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        `log.dirs=${join(dir, 'data')}`,
        'num.partitions=1',
        // One node: every internal topic has one replica; production uses 3 with min ISR 2.
        'default.replication.factor=1',
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'share.coordinator.state.topic.replication.factor=1',
        'share.coordinator.state.topic.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        // Lets tests fail over a killed consumer quickly; clients still choose their own timeout.
        'group.min.session.timeout.ms=2000',
        'auto.create.topics.enable=false',
        'log.retention.ms=-1',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'log4j2.yaml'), LOG4J2);
    return file;
  }

  /** Starts the broker unless it runs already, then waits until it answers a metadata request. */
  async start(progress: Progress): Promise<void> {
    if (!existsSync(KAFKA_LIBS)) throw new InfraError(`no Kafka jars in ${KAFKA_LIBS}: run npm run infra -- provision`);
    if (this.pid() !== null) {
      await this.awaitReady(60_000);
      return;
    }
    mkdirSync(this.opts.dir, { recursive: true });
    const config = this.writeConfig();
    const classpath = `${KAFKA_LIBS}/*`;
    if (!existsSync(join(this.opts.dir, 'data', 'meta.properties'))) {
      progress(`formatting Kafka storage in ${this.opts.dir}`);
      // A KRaft cluster id is 16 random bytes in URL-safe base64 without padding.
      const clusterId = randomBytes(16).toString('base64url');
      // `--cluster-id=…` in one word: an id that starts with `-` would otherwise read as an option.
      await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', config]);
    }
    progress(`starting Kafka on ${this.bootstrap}`);
    const pid = spawnDaemon(
      'java',
      [
        `-Xmx${this.opts.heapMb ?? 768}m`,
        '-XX:+UseG1GC',
        '-XX:TieredStopAtLevel=1',
        `-Dlog4j2.configurationFile=${join(this.opts.dir, 'log4j2.yaml')}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        config,
      ],
      this.pidFile,
      this.logFile,
    );
    await this.awaitReady(90_000, pid);
    progress(`Kafka ready on ${this.bootstrap}`);
  }

  async awaitReady(timeoutMs: number, pid?: number): Promise<void> {
    await waitFor(
      `Kafka on ${this.bootstrap} (log: ${this.logFile})`,
      async () => {
        if (pid !== undefined && this.pid() === null) throw new InfraError(`Kafka exited during start; see ${this.logFile}`);
        return probeKafka(this.bootstrap, 2000);
      },
      timeoutMs,
      300,
    );
  }

  async stop(progress: Progress): Promise<void> {
    const pid = this.pid();
    if (pid === null) return;
    progress(`stopping Kafka (pid ${pid})`);
    await stopPid(pid, 30_000);
  }
}
