// `vdx agent run`: the AgencyAgent against the real gateway, with a listing timer (rare while the
// watches run, frequent while one is down), files under --out-dir, and a clean stop on
// SIGINT/SIGTERM.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AgencyAgent, inboxFileName } from './agency-agent';
import { formatAgentEvent, type AgentEvent, type AgentSummary } from './agent-events';
import { connect, print, printJson, type ConnectionOptions } from './connection';
import { pollLoop } from './poll-loop';

/** `agent run` options. */
export interface RunCommandOptions extends ConnectionOptions {
  as: string[];
  outDir?: string;
  pollMs: number;
  reconcileMs: number;
  statuses: string[];
  once: boolean;
}

const summaryLine = (s: AgentSummary): string =>
  `processed ${s.processed}: ${s.done} done, ${s.failed} failed; ${s.statusesSent} status(es) sent; ${s.errors} error(s)`;

/** Runs the agent until a signal (or, with `--once`, until the inbox as it is now is processed). */
export async function runCommand(o: RunCommandOptions): Promise<void> {
  const outDir = resolve(o.outDir ?? join('.local', 'agent', o.system));
  await mkdir(outDir, { recursive: true });
  const log = (e: AgentEvent): void => (o.json ? printJson([{ ...e, at: new Date().toISOString() }]) : print([`${new Date().toISOString()}  ${formatAgentEvent(e)}`]));
  const client = connect(o);
  const agent = new AgencyAgent(client, {
    agencies: o.as,
    statuses: o.statuses,
    log,
    save: async (deliveryId, body) => {
      const file = join(outDir, inboxFileName(deliveryId));
      await writeFile(file, body);
      return file;
    },
  });
  let wake: () => void = () => undefined;
  const pause = (ms: number): Promise<void> =>
    new Promise<void>((done) => {
      const timer = setTimeout(done, ms);
      wake = () => {
        clearTimeout(timer);
        done();
      };
    });
  const finish = (s: AgentSummary): void => (o.json ? printJson([{ event: 'summary', ...s }]) : print([summaryLine(s)]));

  try {
    if (o.once) {
      const s = await agent.runOnce();
      finish(s);
      if (s.errors > 0) process.exitCode = 2;
      return;
    }
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      wake();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (!o.json) print([`watching ${o.as.join(', ')} as ${o.system} at ${o.url}; listing every ${o.reconcileMs} ms while the watch runs, every ${o.pollMs} ms while it is down; saving to ${outDir} (Ctrl-C to stop)`]);
    agent.watch();
    await pollLoop(agent, o, { now: () => Date.now(), sleep: pause }, () => stopped);
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await agent.stop(); // cancels the watches and finishes the item in flight
    finish(agent.summary);
  } finally {
    client.close();
  }
}
