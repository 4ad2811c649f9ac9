import { httpStatusOf, isOutage } from '@vdx/contracts/errors';
import { ReplayError, type ReplayResult } from '@vdx/event-sourcing';
import { Command } from 'commander';
import { MongoClient } from 'mongodb';
import {
  REPLAY_MODELS,
  ReplayCommandError,
  connectStore,
  findModel,
  listLines,
  planReplayCommand,
  progressLine,
  registerReplayCommand,
  replaySummary,
  startLine,
  summaryLines,
  withHint,
  type ReplayCommandOptions,
  type ReplayModel,
  type ReplaySummary,
} from './replay';

const result = (over: Partial<ReplayResult> = {}): ReplayResult => ({
  events: 1200,
  undecodable: 2,
  seconds: 0.4004,
  eventsPerSecond: 2997.0029,
  built: { delivery_state: 'delivery_state__replay_1700000000000' },
  ends: [],
  resumed: false,
  swapped: true,
  ...over,
});

describe('vdx replay: the model registry', () => {
  it('knows the six read models with the topics, names and collections their services run in production', () => {
    const shapes = REPLAY_MODELS.map((m) => {
      const p = m.projection();
      return { model: m.name, service: m.service, name: p.name, topics: p.topics, collections: p.collections };
    });
    expect(shapes).toEqual([
      { model: 'delivery-state', service: 'delivery', name: 'delivery-state', topics: ['vdx.delivery.events.v1.urgent', 'vdx.delivery.events.v1'], collections: ['delivery_state', 'delivery_inbox', 'delivery_dead'] },
      {
        model: 'exchange-traces',
        service: 'gateway',
        name: 'exchange-traces',
        topics: ['vdx.gateway.events.v1.urgent', 'vdx.gateway.events.v1', 'vdx.signature.events.v1.urgent', 'vdx.signature.events.v1', 'vdx.routing.events.v1.urgent', 'vdx.routing.events.v1'],
        collections: ['exchange_traces'],
      },
      { model: 'directory', service: 'directory', name: 'directory-agencies', topics: ['vdx.directory.events.v1'], collections: ['directory_agencies'] },
      { model: 'routing-documents', service: 'routing', name: 'routing-documents', topics: ['vdx.routing.events.v1'], collections: ['routing_documents'] },
      { model: 'gateway-receipts', service: 'gateway', name: 'gateway-receipts', topics: ['vdx.gateway.events.v1.urgent', 'vdx.gateway.events.v1'], collections: ['gateway_receipts'] },
      {
        model: 'statistics',
        service: 'statistics',
        name: 'statistics',
        topics: ['vdx.gateway.events.v1.urgent', 'vdx.gateway.events.v1', 'vdx.signature.events.v1.urgent', 'vdx.signature.events.v1', 'vdx.routing.events.v1.urgent', 'vdx.routing.events.v1', 'vdx.delivery.events.v1.urgent', 'vdx.delivery.events.v1', 'vdx.directory.events.v1'],
        collections: ['statistics_headline', 'statistics_detail', 'statistics_quality', 'statistics_directory', 'statistics_tree', 'statistics_agencies', 'statistics_deliveries', 'statistics_documents'],
      },
    ]);
  });

  it('finds a model by name, and refuses an unknown one listing those it knows', () => {
    expect(findModel('exchange-traces').service).toBe('gateway');
    expect(() => findModel('delivery_state')).toThrow(
      expect.objectContaining({ code: 'REPLAY.UNKNOWN_MODEL', message: 'no read model called "delivery_state"; known: delivery-state, exchange-traces, directory, routing-documents, gateway-receipts, statistics' }),
    );
  });

  it('lists the models as text and as one JSON object per line', () => {
    const text = listLines(false);
    expect(text).toHaveLength(12);
    expect(text[0]).toBe("delivery-state     each delivery's transport state (delivery_state), each agency's open inbox (delivery_inbox) and the dead letters (delivery_dead), from the delivery service's events");
    expect(text[5]).toBe('                   directory_agencies ← vdx.directory.events.v1 (group projection.directory-agencies, run by the directory service)');
    expect(listLines(true).map((l) => JSON.parse(l) as { model: string; projection: string })).toEqual([
      expect.objectContaining({ model: 'delivery-state', projection: 'delivery-state' }),
      expect.objectContaining({ model: 'exchange-traces', projection: 'exchange-traces' }),
      expect.objectContaining({ model: 'directory', projection: 'directory-agencies', collections: ['directory_agencies'] }),
      expect.objectContaining({ model: 'routing-documents', projection: 'routing-documents', collections: ['routing_documents'] }),
      expect.objectContaining({ model: 'gateway-receipts', projection: 'gateway-receipts', collections: ['gateway_receipts'] }),
      expect.objectContaining({ model: 'statistics', projection: 'statistics', service: 'statistics' }),
    ]);
  });
});

describe('vdx replay: arguments', () => {
  it('plans the list, or one model', () => {
    expect(planReplayCommand(undefined, true)).toEqual({ list: true });
    expect(planReplayCommand('directory', false)).toEqual({ list: false, model: REPLAY_MODELS[2] });
  });

  it('refuses a missing model, an unknown one, and a model with --list', () => {
    expect(() => planReplayCommand(undefined, false)).toThrow(expect.objectContaining({ code: 'REPLAY.MODEL_REQUIRED', message: 'name the read model to replay (delivery-state, exchange-traces, directory, routing-documents, gateway-receipts, statistics), or pass --list' }));
    expect(() => planReplayCommand('routing', false)).toThrow(expect.objectContaining({ code: 'REPLAY.UNKNOWN_MODEL' }));
    expect(() => planReplayCommand('directory', true)).toThrow(expect.objectContaining({ code: 'REPLAY.BAD_ARGUMENTS' }));
  });

  describe('as parsed by commander', () => {
    let calls: { model: ReplayModel; opts: ReplayCommandOptions }[];
    let out: string[];
    let write: jest.SpyInstance;

    const parse = (...args: string[]) => {
      const program = new Command('vdx').exitOverride();
      registerReplayCommand(program, async (model, opts) => {
        calls.push({ model, opts });
        return replaySummary(model, model.projection().name, result({ swapped: opts.swap }));
      });
      return program.parseAsync(['replay', ...args, '--brokers', 'k:1', '--mongo-url', 'mongodb://m/', '--db', 'd'], { from: 'user' });
    };

    beforeEach(() => {
      calls = [];
      out = [];
      write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
    });
    afterEach(() => write.mockRestore());

    it('passes the options to the replay: swap and progress by default', async () => {
      await parse('delivery-state');
      expect(calls).toEqual([{ model: REPLAY_MODELS[0], opts: { brokers: 'k:1', mongoUrl: 'mongodb://m/', db: 'd', fresh: false, swap: true, json: false, progress: process.stderr.isTTY ? 'bar' : 'lines' } }]);
      expect(out.join('')).toContain('built delivery_state__replay_1700000000000 and swapped it in as delivery_state');
    });

    it('--fresh, --no-swap, --json and --no-progress', async () => {
      await parse('directory', '--fresh', '--no-swap', '--json', '--no-progress');
      expect(calls[0]!.opts).toMatchObject({ fresh: true, swap: false, json: true, progress: 'none' });
      expect(JSON.parse(out.join(''))).toMatchObject({ model: 'directory', projection: 'directory-agencies', swapped: false });
    });

    it('lists without replaying, and refuses an unknown model before any replay', async () => {
      await parse('--list');
      expect(out.join('').split('\n')).toHaveLength(13);
      await expect(parse('nope')).rejects.toMatchObject({ code: 'REPLAY.UNKNOWN_MODEL' });
      expect(calls).toEqual([]);
    });
  });
});

describe('vdx replay: output', () => {
  const model = REPLAY_MODELS[0]!;

  it('summarises a swapped replay, a resumed one built beside, and as JSON', () => {
    const s = replaySummary(model, 'delivery-state', result());
    expect(s).toEqual<ReplaySummary>({
      model: 'delivery-state',
      projection: 'delivery-state',
      events: 1200,
      undecodable: 2,
      seconds: 0.4,
      eventsPerSecond: 2997,
      resumed: false,
      swapped: true,
      collections: [{ logical: 'delivery_state', physical: 'delivery_state__replay_1700000000000' }],
    });
    expect(summaryLines(s)).toEqual([
      'replayed delivery-state: 1200 events, 2 undecodable, in 0.4 s (2997 events/s)',
      'built delivery_state__replay_1700000000000 and swapped it in as delivery_state',
    ]);
    expect(summaryLines(replaySummary(model, 'delivery-state', result({ resumed: true, swapped: false })))).toEqual([
      'replayed delivery-state (resumed): 1200 events, 2 undecodable, in 0.4 s (2997 events/s)',
      'built delivery_state__replay_1700000000000 beside delivery_state (not swapped in)',
    ]);
  });

  it('says whether it starts or resumes, and prints progress lines with the rate', () => {
    const plan = { built: { delivery_state: 'delivery_state__replay_1' }, total: 5000, startedAt: new Date('2026-07-01T08:00:00Z') };
    expect(startLine(model, { ...plan, resumed: false, done: 0 })).toBe('replaying delivery-state from offset zero into delivery_state__replay_1 (5000 records)');
    expect(startLine(model, { ...plan, resumed: true, done: 1250 })).toBe('resuming the replay of delivery-state begun 2026-07-01T08:00:00.000Z (1250/5000 applied) into delivery_state__replay_1');
    expect(progressLine('delivery-state', 1250, 5000, 3100.4)).toBe('replaying delivery-state: 1250/5000 (25%), 3100 events/s');
    expect(progressLine('directory', 0, 0, 0)).toBe('replaying directory: 0/0 (100%), 0 events/s');
  });

  it('adds what to do to a refusal, keeping its code', () => {
    const running = withHint(new ReplayError('REPLAY.PROJECTION_RUNNING', 'projection delivery-state has 2 live consumer(s) in group projection.delivery-state; stop them before a replay'), model);
    expect(running).toMatchObject({ code: 'REPLAY.PROJECTION_RUNNING', message: expect.stringContaining('stop them before a replay — they are the delivery service: stop all its instances, then run `vdx replay delivery-state` again') });
    expect(withHint(new ReplayError('REPLAY.CHECKPOINT_STALE', 'x'), model)).toMatchObject({ code: 'REPLAY.CHECKPOINT_STALE', message: 'x — run `vdx replay delivery-state --fresh`' });
    const other = new Error('broker down');
    expect(withHint(other, model)).toBe(other);
  });

  it('refuses with REPLAY.STORE_UNREACHABLE, an outage, when the store does not answer', async () => {
    const url = 'mongodb://127.0.0.1:1/';
    const mongo = new MongoClient(url);
    const down = new Error('connect ECONNREFUSED 127.0.0.1:1');
    jest.spyOn(mongo, 'connect').mockRejectedValue(down);
    const err: unknown = await connectStore(url, mongo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayCommandError);
    expect(err).toMatchObject({ code: 'REPLAY.STORE_UNREACHABLE', message: 'cannot reach the store at mongodb://127.0.0.1:1/ (connect ECONNREFUSED 127.0.0.1:1); is it running (npm start)?', cause: down });
    expect([isOutage(err), httpStatusOf('REPLAY.STORE_UNREACHABLE')]).toEqual([true, 503]);
  });
});
