import { catalogue, EventCodec, type EventEnvelope, type PackageAccepted, PackageAcceptedEvent } from '@vdx/contracts';
import { documentPackage, statusPackage } from '@vdx/edxml';
import { ReferenceClient } from '@vdx/legacy-edge-feature/testing';
import { readLogFromStart } from '@vdx/messaging';
import { AXIS_START_TIMEOUT_MS, PIPELINE, startAxis, type Axis } from '@vdx/testing/axis';
import { StopWaiting, testEnv, waitUntil } from '@vdx/testing';
import { createHash } from 'node:crypto';
import { issueSystemSecret } from '../../../tools/cli/system-secret';

// The legacy VXP edge in front of the running axis (directory, gateway, signature, routing,
// delivery): two systems on the reference client's wire protocol, each with its own secret and
// client certificate, exchange a document and a status.

const VPCP = '000.00.00.G22';
const TAYNINH = '000.00.00.H53';
const SO_TC = '000.00.32.H53'; // no system of its own: Tây Ninh's hub receives for it

type Answer = { json: Record<string, unknown> };
const rows = (a: Answer) => a.json['data'] as Record<string, string>[];

function expectOk(a: Answer): void {
  expect({ status: a.json['status'], code: a.json['ErrorCode'], desc: a.json['ErrorDesc'] }).toEqual({ status: 'OK', code: '0', desc: '' });
}

describe('the legacy VXP edge on the running axis (e2e)', () => {
  const env = testEnv();
  const secrets: Record<string, string> = {};
  let axis: Axis;
  let name: string;
  let topics: Axis['topics'];
  let endpoint = '';
  const client = (systemId: string) => new ReferenceClient(endpoint, systemId, secrets[systemId]!);

  beforeAll(async () => {
    axis = await startAxis({
      name: 'legacy-e2e',
      services: [...PIPELINE, 'legacy-edge'],
      partitions: 3,
      agencies: [
        { code: VPCP, name: 'Văn phòng Chính phủ' },
        { code: TAYNINH, name: 'UBND tỉnh Tây Ninh' },
        { code: SO_TC, name: 'Sở Tài chính' },
      ],
      systems: [
        { systemId: 'qlvb-vpcp', code: VPCP },
        { systemId: 'qlvb-tayninh', code: TAYNINH },
      ],
      // What an operator runs before the edge starts: `vdx system secret issue <systemId>`, once per system.
      seed: async (a) => {
        for (const systemId of ['qlvb-vpcp', 'qlvb-tayninh']) {
          const issued = await issueSystemSecret(systemId, { brokers: a.kafkaBrokers, topic: a.topics.legacyEdge, key: a.legacySecretKey, overlapHours: 0, operator: 'e2e', partitions: 1 });
          secrets[systemId] = issued.secret;
        }
      },
    });
    ({ name, topics } = axis);
    endpoint = axis.legacyEndpoint;
    // Up once both systems are authenticated and the gateway answers their inboxes.
    const running = (['directory', 'gateway', 'signature', 'routing', 'delivery', 'legacy-edge'] as const).flatMap((s) => axis.instances(s));
    await waitUntil('the legacy edge answering both systems', async () => {
      // A service that died will not come up: say why at once.
      const dead = running.find((i) => i.process.child.exitCode !== null || i.process.child.signalCode !== null);
      if (dead) throw new StopWaiting(`${dead.id} exited before the edge answered: ${dead.output().slice(-3000)}`);
      const answers = await Promise.all(['qlvb-vpcp', 'qlvb-tayninh'].map((s) => client(s).countReceiveEdoc()));
      return answers.every((a) => a.json['status'] === 'OK');
    }, { timeoutMs: 120_000, intervalMs: 500 }).catch((err: Error) => {
      throw new Error(`${err.message}\nlegacy edge output:\n${axis.instance('legacy-edge').output().slice(-3000)}`);
    });
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
  });

  const built = documentPackage({ from: VPCP, to: [TAYNINH, SO_TC], codeNumber: '315', codeNotation: 'VPCP-TTĐT', promulgationDate: '2026/11/30', subject: 'Về việc thử nghiệm trục cũ', attachments: [{ name: 'vb.pdf', bytes: Buffer.from('%PDF-1.7 nội dung') }] });
  const file = Buffer.from(built.xml);

  it('runs the full loop of two systems: send, list, get, done, a 01 status back, the sender sees it', async () => {
    // Each client keeps one object (and one timestamp) for the whole loop, as deployed ones do.
    const vpcp = client('qlvb-vpcp');
    const tayninh = client('qlvb-tayninh');
    const sent = await vpcp.sendEdoc(file, { from: VPCP, messagetype: 'edoc' });
    expectOk(sent);
    const docId = sent.json['DocId'] as string;
    expect(docId).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await waitUntil('both copies in the hub\'s list', async () => {
      const list = await tayninh.getReceivedEdocList('edoc');
      const mine = rows(list).filter((r) => r['docId']!.startsWith(`${docId}/`));
      return mine.length === 2 ? { list, mine } : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250 });
    expectOk(listed.list);
    expect(listed.mine.map((r) => [r['docId'], r['from'], r['to'], r['messageType'], r['status']]).sort()).toEqual(
      [
        [`${docId}/${TAYNINH}`, VPCP, TAYNINH, 'edoc', 'queued'],
        [`${docId}/${SO_TC}`, VPCP, SO_TC, 'edoc', 'queued'],
      ].sort(),
    );
    const mine = `${docId}/${TAYNINH}`;

    const got = await tayninh.getEdoc(mine);
    expectOk(got);
    // What the recipient gets is the file that was sent, byte for byte.
    expect(Buffer.from(got.json['data'] as string, 'base64').equals(file)).toBe(true);

    expectOk(await tayninh.updateStatus(mine, 'done'));
    // Acknowledged: it leaves the list of what is still to take in; the department's copy stays.
    const after = await waitUntil('the acknowledged copy off the list', async () => {
      const ids = rows(await tayninh.getReceivedEdocList('edoc')).map((r) => r['docId']).filter((id) => id!.startsWith(`${docId}/`));
      return ids.length === 1 ? ids : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(after).toEqual([`${docId}/${SO_TC}`]);

    const status = Buffer.from(statusPackage({ from: TAYNINH, documentId: built.documentId, documentIssuer: VPCP, statusCode: '01', timestamp: '2026/11/30 09:15:00' }).xml);
    const reported = await tayninh.sendEdoc(status, { from: TAYNINH, messagetype: 'status' });
    expectOk(reported);

    const statuses = await waitUntil('the status in the issuer\'s list', async () => {
      const list = rows(await vpcp.getReceivedEdocList('status'));
      return list.length === 1 ? list : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250 });
    expect(statuses.map((r) => [r['messageType'], r['from'], r['to']])).toEqual([['status', TAYNINH, VPCP]]);
    const statusCopy = await vpcp.getEdoc(statuses[0]!['docId']!);
    expect(Buffer.from(statusCopy.json['data'] as string, 'base64').equals(status)).toBe(true);

    const sentRows = await waitUntil('status 01 in the sender\'s list', async () => {
      const list = await vpcp.getSentEdocList(docId);
      const r = rows(list);
      return r.some((x) => x['toCode'] === TAYNINH && x['statusCode'] === '01') ? r : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250 });
    expect(sentRows.map((r) => [r['toCode'], r['receiveStatus'], r['statusCode']]).sort()).toEqual(
      [
        [TAYNINH, 'acknowledged', '01'],
        [SO_TC, 'queued', ''],
      ].sort(),
    );
    for (const r of sentRows) expect(r).toMatchObject({ senderDocId: docId, fromCode: VPCP, sendStatus: 'routed', receiverDocId: `${docId}/${r['toCode']!}` });
  });

  it('answers a sendEdoc whose hash-file is not the file\'s with a FAIL envelope, and records nothing', async () => {
    const other = Buffer.from(documentPackage({ from: VPCP, to: [TAYNINH], codeNumber: '316', codeNotation: 'VPCP-TTĐT', promulgationDate: '2026/11/30', subject: 'Không được gửi' }).xml);
    const vpcp = client('qlvb-vpcp');
    const before = rows(await client('qlvb-tayninh').getReceivedEdocList('edoc')).map((r) => r['docId']).sort();
    const answer = await vpcp.sendEdoc(other, { from: VPCP, messagetype: 'edoc', hashFile: createHash('sha256').update('another file').digest('hex') });
    expect(answer.json).toMatchObject({ status: 'FAIL', ErrorCode: 'LEGACY.HASH_FILE_MISMATCH', DocId: '' });
    expect(answer.json['ErrorDesc']).toEqual(expect.stringContaining('hash-file'));

    // Nothing reached the gateway: its log holds only the packages of the loop above.
    const codec = new EventCodec(catalogue);
    const events: EventEnvelope[] = [];
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: `${name}-reader` }, [topics.gateway, `${topics.gateway}.urgent`], async (records) => {
      for (const r of records) events.push(codec.decode(r.value!, r.headers));
    });
    const bodies = events.map((e) => (e.payload as PackageAccepted).bodySha256);
    expect(bodies).not.toContain(createHash('sha256').update(other).digest('hex'));
    expect(events.map((e) => e.type)).toEqual([PackageAcceptedEvent.type, PackageAcceptedEvent.type]);
    expect(rows(await client('qlvb-tayninh').getReceivedEdocList('edoc')).map((r) => r['docId']).sort()).toEqual(before);
  });
});
