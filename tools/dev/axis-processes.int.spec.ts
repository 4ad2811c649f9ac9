import { freePort } from '@vdx/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxisStateError, clearAxisState, isAlive, probeProcess, readAxisState, writeAxisState, type AxisProcess } from './axis-processes';

describe('npm start state file and process probes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vdx-axis-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const delivery: AxisProcess = { service: 'delivery', instance: 0, pid: process.pid, httpPort: 3005, apiPort: 5005, api: 'gRPC delivery.v1' };

  it('reads back what it wrote, and nothing once cleared', () => {
    const file = join(dir, 'run/dev/axis.json');
    writeAxisState(file, [delivery], 77, new Date('2026-12-03T05:00:00Z'));
    expect(readAxisState(file)).toEqual({ startedAt: '2026-12-03T05:00:00.000Z', supervisorPid: 77, processes: [delivery] });
    clearAxisState(file);
    expect(readAxisState(file)).toBeNull();
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ version: 2, startedAt: 'x', supervisorPid: 1, processes: [] })],
    ['an entry without ports', JSON.stringify({ version: 1, startedAt: 'x', supervisorPid: 1, processes: [{ service: 'gateway', instance: null, pid: 1 }] })],
    ['a port out of range', JSON.stringify({ version: 1, startedAt: 'x', supervisorPid: 1, processes: [{ ...delivery, httpPort: 70000 }] })],
  ])('refuses a state file that is %s, with a coded error naming the file', (_, text) => {
    const file = join(dir, 'axis.json');
    writeFileSync(file, text);
    let caught: unknown;
    try {
      readAxisState(file);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AxisStateError);
    expect(caught).toMatchObject({ code: 'DEV.AXIS_STATE_UNREADABLE', message: expect.stringContaining(file) });
  });

  describe('probing a process', () => {
    let server: Server;
    let port: number;
    let ready = 200;
    beforeAll(async () => {
      port = await freePort();
      server = createServer((req, res) => {
        res.statusCode = req.url === '/health/ready' ? ready : 404;
        res.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is ready when its process lives and /health/ready answers 200, not ready on 503', async () => {
      ready = 200;
      expect(await probeProcess({ pid: process.pid, httpPort: port })).toBe('ready');
      ready = 503;
      expect(await probeProcess({ pid: process.pid, httpPort: port })).toBe('not ready');
    });

    it('is not ready when nothing answers on its port', async () => {
      expect(await probeProcess({ pid: process.pid, httpPort: await freePort() })).toBe('not ready');
    });

    it('is stopped once its process has exited, whatever answers on the port', async () => {
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      const pid = child.pid!;
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
      expect(isAlive(pid)).toBe(false);
      ready = 200;
      expect(await probeProcess({ pid, httpPort: port })).toBe('stopped');
    });
  });
});
