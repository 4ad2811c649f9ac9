import { createServer } from 'node:net';

/**
 * Where test ports are drawn from: below Linux's ephemeral range (32768–60999), where the OS
 * never puts the local end of an outgoing connection, and clear of the infrastructure's fixed
 * ports (Kafka 19092/29092, FerretDB 27018/27028, the services' 3001–5007). A port the OS picks
 * itself (`listen(0)`) is an ephemeral one: released, it can be taken by any client connecting
 * out (a Kafka or store client of a service starting up) before the service that was meant to
 * listen on it does, and that service then fails with EADDRINUSE.
 */
const FIRST = 10_000;
const LAST = 18_999;
const handedOut = new Set<number>();

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nobody listens on right now, not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${FIRST} and ${LAST} after 200 tries`);
}
