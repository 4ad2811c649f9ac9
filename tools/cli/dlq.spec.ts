import { DeadLetterError, type DeadLetterGroupReport, InspectDeadLettersOptions, InspectedPoisonMessage, KafkaSettings, ReplayDeadLettersOptions, ReplayOutcome } from '@vdx/messaging';
import { Command } from 'commander';
import { redriveDeliveries, registerDeliveriesCommands } from './dead-letter-deliveries';
import { outcomeLine, poisonLine, registerDlqCommands, replayProgressLine, replaySummaryLine, topicsLines, withDlqHint, type DlqDeps } from './dlq';

const message = (over: Partial<InspectedPoisonMessage> = {}): InspectedPoisonMessage => ({
  id: '0:4',
  group: 'routing',
  topic: 'vdx.dlq.routing',
  partition: 0,
  offset: '4',
  key: 'doc-1',
  valueBytes: 310,
  source: { topic: 'vdx.gateway.events.v1', partition: 2, offset: '118' },
  code: 'ROUTING.NO_ROUTE',
  reason: 'no route to 000.00.00.X99',
  attempts: 3,
  at: '2025-05-01T10:00:00.000Z',
  replayedFrom: null,
  replay: null,
  ...over,
});

const report = (over: Partial<DeadLetterGroupReport> = {}): DeadLetterGroupReport => ({ group: 'routing', topic: 'vdx.dlq.routing', count: 1, replayed: 0, messages: [message()], ...over });

describe('vdx dlq topics: output', () => {
  it('prints a line per poison message with what --id takes, where it came from and why it failed', () => {
    expect(poisonLine(message())).toBe('  0:4  at 2025-05-01T10:00:00.000Z  key doc-1  from vdx.gateway.events.v1/2/118  ROUTING.NO_ROUTE after 3 attempts: no route to 000.00.00.X99');
    expect(
      poisonLine(
        message({
          key: null,
          source: null,
          attempts: 1,
          replayedFrom: 'vdx.dlq.routing:0:1',
          replay: { marker: 'vdx.dlq.routing:0:4', dlqTopic: 'vdx.dlq.routing', partition: 0, offset: '4', to: { topic: 'vdx.gateway.events.v1', partition: 2 }, at: '2025-05-02T08:30:00.000Z', operator: 'alice' },
        }),
      ),
    ).toBe(
      '  0:4  at 2025-05-01T10:00:00.000Z  key (none)  NO SOURCE (cannot be replayed)  ROUTING.NO_ROUTE after 1 attempt: no route to 000.00.00.X99  [failed again after the replay of vdx.dlq.routing:0:1]  [replayed 2025-05-02T08:30:00.000Z by alice to vdx.gateway.events.v1/2]',
    );
  });

  it('counts per group, says how many are not shown, and totals', () => {
    const lines = topicsLines([report({ count: 3, replayed: 1 }), report({ group: 'delivery', topic: 'vdx.dlq.delivery', count: 0, messages: [] })]);
    expect(lines).toEqual([
      'vdx.dlq.routing: 3 poison messages, 1 replayed',
      poisonLine(message()),
      '  … and 2 more (--limit)',
      'vdx.dlq.delivery: no poison messages',
      '3 poison messages in 1 dead-letter topic (of 2)',
    ]);
  });

  it('says so clearly when there is nothing', () => {
    expect(topicsLines([])).toEqual(['no dead-letter topics (vdx.dlq.*): no consumer has started, or this is not the right cluster (--brokers)']);
    expect(topicsLines([report({ count: 0, messages: [] })]).at(-1)).toBe('no poison messages in 1 dead-letter topic');
  });
});

describe('vdx dlq replay: output', () => {
  const replayed: ReplayOutcome = { status: 'replayed', message: message(), marker: 'vdx.dlq.routing:0:4', to: { topic: 'vdx.gateway.events.v1', partition: 2 } };
  const skipped: ReplayOutcome = { status: 'skipped', message: message({ id: '0:5', offset: '5' }), code: 'DLQ.ALREADY_REPLAYED', reason: 'already replayed 2025-05-02T08:30:00.000Z by alice to vdx.gateway.events.v1/2' };

  it('prints each message replayed or skipped, as text or JSON', () => {
    expect(outcomeLine(replayed, false)).toBe('0:4  replayed to vdx.gateway.events.v1/2 (key doc-1)');
    expect(outcomeLine(skipped, false)).toBe('0:5  skipped, DLQ.ALREADY_REPLAYED: already replayed 2025-05-02T08:30:00.000Z by alice to vdx.gateway.events.v1/2');
    expect(JSON.parse(outcomeLine(replayed, true))).toEqual({ id: '0:4', topic: 'vdx.dlq.routing', status: 'replayed', to: { topic: 'vdx.gateway.events.v1', partition: 2 }, key: 'doc-1', marker: 'vdx.dlq.routing:0:4' });
    expect(JSON.parse(outcomeLine(skipped, true))).toEqual({ id: '0:5', topic: 'vdx.dlq.routing', status: 'skipped', code: 'DLQ.ALREADY_REPLAYED', reason: skipped.reason });
  });

  it('sums up, and shows progress with a rate', () => {
    expect(replaySummaryLine({ group: 'routing', topic: 'vdx.dlq.routing', replayed: 2, skipped: 1 })).toBe('replayed 2 poison messages of vdx.dlq.routing to their source topics (1 skipped); vdx.dlq-replays.v1 records them');
    expect(replayProgressLine('routing', 1500, 12000, 799.6)).toBe('replaying routing: 1500/12000 (12%), 800 messages/s');
  });
});

describe('vdx dlq: refusals', () => {
  it('points an unknown group or id to the listing that shows what exists, and leaves other errors alone', () => {
    expect(withDlqHint(new DeadLetterError('DLQ.UNKNOWN_GROUP', 'no dead-letter topic vdx.dlq.x', { path: 'group' }), 'x')).toEqual(
      expect.objectContaining({ code: 'DLQ.UNKNOWN_GROUP', path: 'group', message: 'no dead-letter topic vdx.dlq.x — `vdx dlq topics` lists the dead-letter topics' }),
    );
    expect((withDlqHint(new DeadLetterError('DLQ.NOT_FOUND', 'no 0:9', { path: 'id' }), 'routing') as Error).message).toBe('no 0:9 — `vdx dlq topics --group routing` shows the ids');
    const other = new DeadLetterError('DLQ.NO_SOURCE', 'nowhere', { path: 'id' });
    expect(withDlqHint(other, 'routing')).toBe(other);
    const plain = new Error('broker down');
    expect(withDlqHint(plain, 'routing')).toBe(plain);
  });
});

describe('vdx dlq: arguments', () => {
  let out: string[];
  let write: jest.SpyInstance;
  const calls: { inspect: InspectDeadLettersOptions[]; replay: ReplayDeadLettersOptions[]; settings: KafkaSettings[] } = { inspect: [], replay: [], settings: [] };
  const deps: DlqDeps = {
    inspect: async (settings, opts) => {
      calls.settings.push(settings);
      calls.inspect.push(opts);
      return [report()];
    },
    replay: async (settings, opts) => {
      calls.settings.push(settings);
      calls.replay.push(opts);
      opts.onOutcome?.({ status: 'replayed', message: message(), marker: 'vdx.dlq.routing:0:4', to: { topic: 'vdx.gateway.events.v1', partition: 2 } });
      return { group: 'routing', topic: 'vdx.dlq.routing', replayed: 1, skipped: 0 };
    },
  };
  const run = (args: string[]) => {
    const program = new Command('vdx').exitOverride().configureOutput({ writeErr: () => undefined });
    registerDlqCommands(program, deps);
    return program.parseAsync(['dlq', ...args, '--brokers', 'k:1'], { from: 'user' });
  };

  beforeEach(() => {
    out = [];
    calls.inspect = [];
    calls.replay = [];
    calls.settings = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  it('topics: passes the group and limit, prints JSON with --json', async () => {
    await run(['topics', '--group', 'routing', '--limit', '5', '--json']);
    expect(calls.settings).toEqual([{ brokers: 'k:1', clientId: 'vdx-cli' }]);
    expect(calls.inspect).toEqual([{ group: 'routing', limit: 5 }]);
    expect(out.join('').trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([JSON.parse(JSON.stringify(report()))]);
  });

  it('topics: refuses a limit that is not a whole number', async () => {
    await expect(run(['topics', '--limit', '-1'])).rejects.toThrow(expect.objectContaining({ code: 'commander.invalidArgument' }));
    expect(calls.inspect).toEqual([]);
  });

  it('replay: passes the group, the ids, the flags and the operator, and prints each outcome and a summary', async () => {
    await run(['replay', 'routing', '--id', '4', '0:7', '--again', '--operator', 'alice', '--no-progress']);
    expect(calls.replay).toEqual([expect.objectContaining({ group: 'routing', ids: ['4', '0:7'], all: false, again: true, operator: 'alice', replicationFactor: expect.any(Number) })]);
    expect(calls.replay[0]!.onProgress).toBeUndefined();
    expect(out.join('')).toBe('0:4  replayed to vdx.gateway.events.v1/2 (key doc-1)\nreplayed 1 poison message of vdx.dlq.routing to their source topics; vdx.dlq-replays.v1 records them\n');
  });

  it('replay: --all without ids, and JSON lines only with --json', async () => {
    await run(['replay', 'vdx.dlq.routing', '--all', '--json']);
    expect(calls.replay).toEqual([expect.objectContaining({ group: 'vdx.dlq.routing', ids: [], all: true, again: false, onProgress: expect.any(Function) })]);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!)).toEqual(expect.objectContaining({ id: '0:4', status: 'replayed' }));
  });

  it('replay: a refusal reaches the operator with its code and the hint', async () => {
    const refusing: DlqDeps = { ...deps, replay: async () => Promise.reject(new DeadLetterError('DLQ.NOT_FOUND', 'vdx.dlq.routing has no poison message 0:9', { path: 'id' })) };
    const program = new Command('vdx').exitOverride();
    registerDlqCommands(program, refusing);
    await expect(program.parseAsync(['dlq', 'replay', 'routing', '--id', '9'], { from: 'user' })).rejects.toThrow(
      expect.objectContaining({ code: 'DLQ.NOT_FOUND', message: 'vdx.dlq.routing has no poison message 0:9 — `vdx dlq topics --group routing` shows the ids' }),
    );
  });

  it.each([
    ['list', 'deliveries dead'],
    ['redrive', 'deliveries redrive'],
  ])('tells an operator typing the old `dlq %s` where it went', async (old, now) => {
    await expect(run([old, 'd-1', '--all'])).rejects.toThrow(expect.objectContaining({ code: 'DLQ.COMMAND_MOVED', message: expect.stringContaining(`is now \`vdx ${now}\``) }));
  });
});

describe('vdx deliveries', () => {
  it('registers `dead` and `redrive` with the options `dlq list` and `dlq redrive` had', () => {
    const program = new Command('vdx');
    registerDeliveriesCommands(program);
    const deliveries = program.commands.find((c) => c.name() === 'deliveries')!;
    const options = (name: string) => deliveries.commands.find((c) => c.name() === name)!.options.map((o) => o.long);
    expect(options('dead')).toEqual(['--cert', '--key', '--ca', '--url', '--limit', '--json']);
    expect(options('redrive')).toEqual(['--cert', '--key', '--ca', '--url', '--all', '--operator', '--json']);
  });

  it('refuses a redrive of nothing before dialling the delivery service', async () => {
    await expect(redriveDeliveries([], { url: '127.0.0.1:1', cert: 'none.crt', ca: 'none.crt', json: false, all: false, operator: 'alice' })).rejects.toThrow(expect.objectContaining({ code: 'DELIVERIES.NOTHING_TO_REDRIVE' }));
  });
});
