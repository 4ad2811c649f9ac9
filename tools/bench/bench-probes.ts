// What the exchange benchmark measures besides its own clients: CPU seconds per process, events
// per second and the largest consumer lag per stage, store operations, and the broker's raw
// producer ceiling from Kafka's own perf tool.
import { KAFKA_LIBS } from '@vdx/local-infra';
import { createKafka, ensureTopics, eventTopicSpec, type KafkaAdmin } from '@vdx/messaging';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used so far; null when it is gone or not ours. */
export function cpuSeconds(pid: number | null | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

/** CPU seconds each named process used between `start()` and `stop()`. */
export class CpuMeter {
  private readonly before = new Map<string, number | null>();
  constructor(private readonly pids: () => ReadonlyMap<string, number | null | undefined>) {}

  start(): void {
    for (const [name, pid] of this.pids()) this.before.set(name, cpuSeconds(pid));
  }

  stop(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [name, pid] of this.pids()) {
      const a = this.before.get(name);
      const b = cpuSeconds(pid);
      out[name] = a === null || a === undefined || b === null ? null : +(b - a).toFixed(2);
    }
    return out;
  }
}

export interface StageSpec {
  /** The stage's name in the report: what it consumes, e.g. `signature` for the gateway's topic. */
  readonly name: string;
  /** The topics its events go to (both lanes). */
  readonly topics: readonly string[];
  /** The consumer groups that work on them; the largest lag of any is reported. */
  readonly groups: readonly string[];
}

export interface StageReport {
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly maxLag: number;
}

/**
 * Samples once a second, while running, the end offsets of each stage's topics and the lag of
 * its consumer groups (end offset minus committed offset, summed over partitions).
 */
export class StageMonitor {
  private admin: KafkaAdmin | null = null;
  private timer: NodeJS.Timeout | null = null;
  private startEnds = new Map<string, number>();
  private readonly maxLag = new Map<string, number>();
  private startedAt = 0;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly brokers: string,
    private readonly stages: readonly StageSpec[],
  ) {}

  private async ends(topic: string): Promise<Map<number, number>> {
    const offsets = await this.admin!.fetchTopicOffsets(topic, { timeout: 10_000, isolationLevel: 1 });
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  private async total(stage: StageSpec): Promise<number> {
    let n = 0;
    for (const t of stage.topics) for (const v of (await this.ends(t)).values()) n += v;
    return n;
  }

  private async sample(): Promise<void> {
    for (const stage of this.stages) {
      let lag = 0;
      for (const group of stage.groups) {
        const committed = await this.admin!.fetchOffsets({ groupId: group, topics: [...stage.topics], timeout: 10_000 }).catch(() => []);
        let groupLag = 0;
        for (const t of committed) {
          const ends = await this.ends(t.topic);
          for (const p of t.partitions) groupLag += Math.max(0, (ends.get(p.partition) ?? 0) - Math.max(0, Number(p.offset)));
        }
        lag = Math.max(lag, groupLag);
      }
      this.maxLag.set(stage.name, Math.max(this.maxLag.get(stage.name) ?? 0, lag));
    }
  }

  async start(): Promise<void> {
    this.admin = createKafka({ brokers: this.brokers, clientId: 'bench-stage-monitor' }).admin();
    await this.admin.connect();
    this.maxLag.clear();
    this.startEnds = new Map(await Promise.all(this.stages.map(async (s) => [s.name, await this.total(s)] as const)));
    this.startedAt = performance.now();
    const tick = () => {
      this.sampling = this.sample()
        .catch(() => undefined)
        .then(() => {
          if (this.timer !== null) this.timer = setTimeout(tick, 1000);
        });
    };
    this.timer = setTimeout(tick, 1000);
  }

  async stop(): Promise<Record<string, StageReport>> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sampling;
    const seconds = (performance.now() - this.startedAt) / 1000;
    const out: Record<string, StageReport> = {};
    for (const s of this.stages) {
      const events = (await this.total(s)) - (this.startEnds.get(s.name) ?? 0);
      out[s.name] = { events, eventsPerSecond: +(events / seconds).toFixed(1), maxLag: this.maxLag.get(s.name) ?? 0 };
    }
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
    return out;
  }
}

/** Per value of one label: how many (requests, observations) and the seconds they took. */
export type CountsAndSeconds = Record<string, { count: number; seconds: number }>;

/**
 * Sums a counter series, and a seconds series when named, per value of `label` over Prometheus
 * endpoints (`<count>{…label="v"…} n`, `<seconds>{…} s`); null when an endpoint does not answer.
 */
async function countsAndSeconds(urls: readonly string[], countSeries: string, secondsSeries: string | null, label: string): Promise<CountsAndSeconds | null> {
  const out: CountsAndSeconds = {};
  const line = new RegExp(`^(${secondsSeries ? `${countSeries}|${secondsSeries}` : countSeries})\\{([^}]*)\\}\\s+([0-9.e+-]+)$`);
  const value = new RegExp(`${label}="([^"]*)"`);
  for (const url of urls) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) return null;
      for (const text of (await res.text()).split('\n')) {
        const m = line.exec(text);
        if (!m) continue;
        const c = (out[value.exec(m[2]!)?.[1] ?? 'unknown'] ??= { count: 0, seconds: 0 });
        if (m[1] === countSeries) c.count += Number(m[3]);
        else c.seconds += Number(m[3]);
      }
    } catch {
      return null;
    }
  }
  return out;
}

/** What the store answered so far: requests per command (FerretDB 1.24 times client connections, not commands). */
export type StoreCounters = Record<string, number>;

/** Requests per command from FerretDB's Prometheus endpoint; null when it does not answer. */
export async function storeOperations(metricsUrl: string | null): Promise<StoreCounters | null> {
  const counts = metricsUrl ? await countsAndSeconds([metricsUrl], 'ferretdb_client_requests_total', null, 'command') : null;
  return counts && Object.fromEntries(Object.entries(counts).map(([command, c]) => [command, c.count]));
}

/** The counters' growth from `before` to `after`, commands that did something only. */
export function storeDelta(before: StoreCounters, after: StoreCounters): StoreCounters {
  return Object.fromEntries(Object.entries(after).flatMap(([command, n]) => (n - (before[command] ?? 0) > 0 ? [[command, n - (before[command] ?? 0)]] : [])));
}

/** Per stage of a send (`vdx_edge_send_stage_seconds`): how many were timed and their total seconds, summed over the gateways. */
export type SendStageCounters = CountsAndSeconds;

/** The gateways' send-stage histograms from their `/metrics`; null when one does not answer. */
export function sendStages(metricsUrls: readonly string[]): Promise<SendStageCounters | null> {
  return countsAndSeconds(metricsUrls, 'vdx_edge_send_stage_seconds_count', 'vdx_edge_send_stage_seconds_sum', 'stage');
}

/** Each stage's mean in ms between two readings, over the sends timed in between. */
export function sendStageMeans(before: SendStageCounters | null, after: SendStageCounters | null): Record<string, { count: number; meanMs: number }> | null {
  if (!before || !after) return null;
  const out: Record<string, { count: number; meanMs: number }> = {};
  for (const [stage, a] of Object.entries(after)) {
    const b = before[stage] ?? { count: 0, seconds: 0 };
    const count = a.count - b.count;
    if (count > 0) out[stage] = { count, meanMs: +(((a.seconds - b.seconds) * 1000) / count).toFixed(1) };
  }
  return out;
}

/** The broker's raw ceiling: Kafka's own producer perf tool, 1 KB records, acks=all. */
export async function kafkaProducerCeiling(brokers: string, records: number): Promise<{ recordsPerSecond: number; records: number; recordBytes: number; acks: 'all' } | { error: string }> {
  const topic = `bench-raw-${Date.now()}`;
  const kafka = createKafka({ brokers, clientId: 'bench-raw' });
  await ensureTopics(kafka, [eventTopicSpec(topic, 3, 1)]);
  const args = ['-cp', `${KAFKA_LIBS}/*`, 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic, '--num-records', String(records), '--record-size', '1024', '--throughput', '-1', '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all'];
  const output = await new Promise<string>((resolve) => {
    execFile('java', args, { timeout: 180_000, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => resolve(err ? `ERROR ${err.message}\n${stderr}` : stdout));
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  // The summary line: "200000 records sent, 81234.5 records/sec (79.33 MB/sec), …"
  const summary = output
    .split('\n')
    .reverse()
    .find((l) => / records sent, [0-9.]+ records\/sec/.test(l));
  const rate = summary ? Number(/records sent, ([0-9.]+) records\/sec/.exec(summary)![1]) : NaN;
  return Number.isFinite(rate) ? { recordsPerSecond: Math.round(rate), records, recordBytes: 1024, acks: 'all' } : { error: output.slice(-500) };
}
