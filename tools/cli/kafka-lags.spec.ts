import { behindBy, type GroupLag } from '@vdx/messaging';
import { Command } from 'commander';
import { lagsLines, registerKafkaCommands, type KafkaLagsDeps } from './kafka-lags';

const lag = (group: string, partition: number, offset: string, end: string, topic = 'vdx.routing.events.v1'): GroupLag => ({ group, topic, partition, offset, end });
const LAGS: GroupLag[] = [lag('delivery', 0, '10', '11'), lag('delivery', 1, '7', '7'), lag('projection.delivery-state', 0, '3', '40', 'vdx.delivery.events.v1'), lag('projection.delivery-state', 1, '5', '5', 'vdx.delivery.events.v1')];

describe('vdx kafka lags', () => {
  let out: string[];
  let write: jest.SpyInstance;
  const calls: { brokers: string; prefix: string }[] = [];
  const deps = (lags: GroupLag[]): KafkaLagsDeps => ({
    lags: async (settings, prefix) => {
      calls.push({ brokers: settings.brokers, prefix });
      return lags;
    },
  });
  const run = (args: string[], lags = LAGS) => {
    const program = new Command('vdx').exitOverride().configureOutput({ writeErr: () => undefined });
    registerKafkaCommands(program, deps(lags));
    return program.parseAsync(['kafka', 'lags', ...args], { from: 'user' });
  };

  beforeEach(() => {
    out = [];
    calls.length = 0;
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  it('counts the records behind, never below zero', () => {
    expect(LAGS.map(behindBy)).toEqual([1, 0, 37, 0]);
    expect(behindBy(lag('g', 0, '9', '4'))).toBe(0);
  });

  it('prints each group and topic with its partitions, marks, and a total', async () => {
    await run(['--brokers', 'k:1']);
    expect(calls).toEqual([{ brokers: 'k:1', prefix: 'vdx.' }]);
    expect(out.join('').trimEnd().split('\n')).toEqual([
      '~ delivery vdx.routing.events.v1: p0 10/11 p1 7/7',
      '* projection.delivery-state vdx.delivery.events.v1: p0 3/40 p1 5/5',
      "1 of 2 groups behind by 37 records in all (* more than one record behind, ~ one: often a transaction's end marker)",
    ]);
  });

  it('--behind keeps only the groups more than one record behind; --prefix is passed on', async () => {
    await run(['--behind', '--prefix', 'scale-e2e-x.', '--brokers', 'k:1']);
    expect(calls).toEqual([{ brokers: 'k:1', prefix: 'scale-e2e-x.' }]);
    expect(out.join('').trimEnd().split('\n')).toEqual([
      '* projection.delivery-state vdx.delivery.events.v1: p0 3/40 p1 5/5',
      "1 of 2 groups behind by 37 records in all (* more than one record behind, ~ one: often a transaction's end marker)",
    ]);
  });

  it('--json prints one object per group and partition', async () => {
    await run(['--json', '--behind', '--brokers', 'k:1']);
    expect(out.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([LAGS[2], LAGS[3]]);
  });

  it('lists the partitions of a group in order, whatever order the broker gave', () => {
    expect(lagsLines([lag('routing', 2, '4', '4'), lag('routing', 0, '1', '9'), lag('routing', 1, '3', '3')], 'vdx.', false)[0]).toBe('* routing vdx.routing.events.v1: p0 1/9 p1 3/3 p2 4/4');
  });

  it('says when every group is caught up, and when nothing matched the prefix', () => {
    expect(lagsLines([lag('routing', 0, '4', '4')], 'vdx.', false)).toEqual(['  routing vdx.routing.events.v1: p0 4/4', "the one group caught up (* more than one record behind, ~ one: often a transaction's end marker)"]);
    expect(lagsLines([], 'nope.', false)).toEqual(['no consumer group has committed offsets on topics starting with nope. (is this the right cluster, --brokers, and prefix, --prefix?)']);
  });
});
