// Preloaded into each service by `npm run bench` when BENCH_CPU_PROFILE_DIR is set: records a
// V8 CPU profile from start-up and writes it (`<dir>/<service>-<pid>.cpuprofile`, readable by
// Chrome DevTools or speedscope) when the service is asked to stop. Node's own --cpu-prof writes
// only on a normal exit, and a service stopped by SIGTERM ends by re-raising the signal.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env['BENCH_CPU_PROFILE_DIR'];
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = (): void => {
    if (written) return;
    written = true;
    // An in-process session answers synchronously, so the file is written before the signal ends the process.
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      const service = /apps\/([^/]+)\//.exec(process.argv[1] ?? '')?.[1] ?? 'node';
      writeFileSync(join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.prependListener('SIGTERM', write);
  process.once('exit', write);
}
