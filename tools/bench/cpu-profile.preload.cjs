// Preloaded into each service by `npm run bench` when BENCH_CPU_PROFILE_DIR is set: records a
// V8 CPU profile from start-up and writes it (`<dir>/<service>-<pid>.cpuprofile`, readable by
// Chrome DevTools or speedscope) when the service is asked to stop. Node's own --cpu-prof writes
// only on a normal exit, and a service stopped by SIGTERM ends by re-raising the signal.
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      const name = `${(process.argv[1] || 'node').replace(/^.*apps\/([^/]+)\/.*$/, '$1')}-${process.pid}.cpuprofile`;
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  };
  process.prependListener('SIGTERM', write);
  process.once('exit', write);
}
