// `vdx agent send | inbox | fetch | ack | trace`: one exchange call each, printed as text or JSON lines.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { EdxmlError, isEdxmlError, parseEdxml } from '@vdx/edxml';
import { listAllInbox } from './agent-exchange';
import { print, printJson, withClient, type ConnectionOptions } from './connection';
import { inboxTable, receiptLines, traceLines } from './format';

/** The exit code of a send the axis rejected. */
export const EXIT_REJECTED = 3;

/** `agent send` options. */
export interface SendCommandOptions extends ConnectionOptions {
  as: string;
  kind?: 'edoc' | 'status';
  clientRef?: string;
}

/** The package kind of an edXML body, by parsing it. */
export function detectKind(body: Uint8Array): 'edoc' | 'status' {
  try {
    return parseEdxml(body, { validate: false }).package.kind;
  } catch (err) {
    const message = `cannot tell the package kind (${err instanceof Error ? err.message : String(err)}); pass --kind edoc|status to send it anyway`;
    throw new EdxmlError(isEdxmlError(err) ? err.code : 'EDXML.MALFORMED_XML', message, { cause: err });
  }
}

/** `agent send <file>`: sends a package and prints the receipt; exit code 3 when rejected. */
export async function sendCommand(file: string, o: SendCommandOptions): Promise<void> {
  const body = await readFile(file);
  const kind = o.kind ?? detectKind(body);
  const receipt = await withClient(o, (c) => c.sendPackage(body, { senderCode: o.as, kind, ...(o.clientRef ? { clientRef: o.clientRef } : {}) }));
  if (o.json) printJson([receipt]);
  else print(receiptLines(receipt));
  if (receipt.outcome !== 'accepted') process.exitCode = EXIT_REJECTED;
}

/** `agent inbox` options. */
export interface InboxCommandOptions extends ConnectionOptions {
  agency?: string;
  state?: string;
  kind?: string;
}

/** `agent inbox`: every page of the inbox, as a table or one JSON line per item. */
export async function inboxCommand(o: InboxCommandOptions): Promise<void> {
  const req = { ...(o.agency ? { agencyCode: o.agency } : {}), ...(o.state ? { state: o.state } : {}), ...(o.kind ? { kind: o.kind } : {}) };
  const items = await withClient(o, (c) => listAllInbox(c, req));
  if (o.json) printJson(items);
  else print(inboxTable(items));
}

/** `agent fetch` options. */
export interface FetchCommandOptions extends ConnectionOptions {
  out?: string;
}

/** `agent fetch <deliveryId>`: downloads the body to `--out`, or reports its size and SHA-256. */
export async function fetchCommand(deliveryId: string, o: FetchCommandOptions): Promise<void> {
  const body = await withClient(o, (c) => c.fetchPackage(deliveryId));
  if (o.out) await writeFile(o.out, body);
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (o.json) printJson([{ deliveryId, size: body.byteLength, sha256, ...(o.out ? { out: o.out } : {}) }]);
  else print([`${deliveryId}  ${body.byteLength} bytes  sha256 ${sha256}${o.out ? `  written to ${o.out}` : ''}`]);
}

/** `agent ack` options. */
export interface AckCommandOptions extends ConnectionOptions {
  reason?: string;
}

/** `agent ack <deliveryId> done|fail`: confirms a fetched delivery. */
export async function ackCommand(deliveryId: string, result: 'done' | 'fail', o: AckCommandOptions): Promise<void> {
  const r = await withClient(o, (c) => c.acknowledge(deliveryId, result, o.reason ?? ''));
  if (o.json) printJson([r]);
  else print([`${r.deliveryId}  ${r.state}`]);
}

/** `agent trace <packageId>`: each recipient's route, transport state and business statuses. */
export async function traceCommand(packageId: string, o: ConnectionOptions): Promise<void> {
  const trace = await withClient(o, (c) => c.getTrace(packageId));
  if (o.json) printJson([trace]);
  else print(traceLines(trace));
}
