import { apiOf, formatEndpoints, formatStatusRows, labelOf, type AxisProcess } from './axis-processes';

const gateway1: AxisProcess = { service: 'gateway', instance: 1, pid: 4242, httpPort: 3101, apiPort: 5101, api: apiOf('gateway') };
const statistics: AxisProcess = { service: 'statistics', instance: null, pid: 4343, httpPort: 3006, apiPort: null, api: apiOf('statistics') };

describe('the operator view of npm start', () => {
  it('labels an instance of a scaled service with its number, a single service by its name', () => {
    expect([labelOf(gateway1), labelOf(statistics)]).toEqual(['gateway#1', 'statistics']);
  });

  it('names the API beside HTTP of the services that have one', () => {
    expect(['gateway', 'directory', 'delivery', 'legacy-edge', 'signature', 'routing', 'statistics'].map(apiOf)).toEqual([
      'gRPC exchange.v1 (mTLS)',
      'gRPC directory.v1',
      'gRPC delivery.v1',
      'VXP HTTP API (/XrdAdapter/adapter)',
      null,
      null,
      null,
    ]);
  });

  it('prints each process with its health, metrics and API endpoints, and the console on statistics', () => {
    expect(formatEndpoints([gateway1, statistics], ['collector http://127.0.0.1:4318']).split('\n')).toEqual([
      '  gateway#1    health http://127.0.0.1:3101/health/ready  metrics http://127.0.0.1:3101/metrics  gRPC exchange.v1 (mTLS) 127.0.0.1:5101',
      '  statistics   health http://127.0.0.1:3006/health/ready  metrics http://127.0.0.1:3006/metrics  console http://127.0.0.1:3006/console/',
      '  collector http://127.0.0.1:4318',
    ]);
  });

  it('shows a status row per process: its ports, pid and state, and no pid once it is stopped', () => {
    expect(formatStatusRows([{ process: gateway1, state: 'ready' }, { process: statistics, state: 'stopped' }])).toEqual([
      'gateway#1    http :3101, api :5101        pid 4242     ready',
      'statistics   http :3006                   not running  stopped',
    ]);
  });
});
