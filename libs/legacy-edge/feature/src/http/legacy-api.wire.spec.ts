import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { InMemoryAxis, JavaHashMap, ReferenceClient, javaUnpaddedSha256, type WireResponse } from '../testing';
import { LegacyApi } from '../operations/legacy-api';
import { issueSecret, SecretBook } from '../secrets/secret-book';
import { SecretCipher } from '../secrets/secret-cipher';
import { createMetricsRegistry, legacyEdgeMetrics } from '@vdx/observability';
import { createLegacyHttpServer } from './legacy-http-server';

const VPCP = '000.00.00.G22';
const TAYNINH = '000.00.00.H53';
const DEPT = '000.00.32.H53';
const OTHER = '000.00.00.H01';

function documentPackage(documentId: string, from: string, to: readonly string[], subject = 'Về việc thử nghiệm'): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader><edXML:MessageHeader>` +
      `<edXML:From><edXML:OrganId>${from}</edXML:OrganId></edXML:From>` +
      to.map((c) => `<edXML:To><edXML:OrganId>${c}</edXML:OrganId></edXML:To>`).join('') +
      `<edXML:DocumentId>${documentId}</edXML:DocumentId><edXML:Subject>${subject}</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope>`,
    'utf8',
  );
}

function statusPackage(documentId: string, from: string, issuer: string, code: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader><edXML:MessageHeader>` +
      `<edXML:From><edXML:OrganId>${from}</edXML:OrganId></edXML:From>` +
      `<edXML:ResponseFor><edXML:OrganId>${issuer}</edXML:OrganId><edXML:DocumentId>${documentId}</edXML:DocumentId></edXML:ResponseFor>` +
      `<edXML:StatusCode>${code}</edXML:StatusCode><edXML:Description>Đã đến</edXML:Description></edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope>`,
    'utf8',
  );
}

/** Fields each operation's answer must carry, OK or FAIL, with their JSON types. */
const FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sendEdoc: { DocId: 'string' },
  getReceivedEdocList: { data: 'array' },
  getEdoc: { data: 'string' },
  updateStatus: {},
  getSentEdocList: { data: 'array' },
  countReceiveEdoc: { count: 'number' },
  countReceiveStatus: { count: 'number' },
  getAgenciesList: { data: 'array' },
  getAgenciesListQD20: { data: 'array' },
  getSynchronizeUnit: { data: 'array', syncToken: 'string' },
  registerAgency: {},
  deleteAgency: {},
  downloadEdoc: {},
};

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function nullsIn(v: unknown, path = '$'): string[] {
  if (v === null) return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => nullsIn(x, `${path}[${i}]`));
  if (typeof v === 'object') return Object.entries(v as object).flatMap(([k, x]) => nullsIn(x, `${path}.${k}`));
  return [];
}

/** The envelope the client reads: every field present, of its type, no null, ASCII bytes. */
function expectEnvelope(operation: string, res: { wire: { body: Buffer }; json: Record<string, unknown> }, status: 'OK' | 'FAIL', errorCode?: string): void {
  const j = res.json;
  expect([...res.wire.body].every((b) => b < 0x80)).toBe(true);
  expect(nullsIn(j)).toEqual([]);
  expect({ status: j['status'], code: typeof j['ErrorCode'], desc: typeof j['ErrorDesc'] }).toEqual({ status, code: 'string', desc: 'string' });
  if (status === 'OK') expect(j['ErrorCode']).toBe('0');
  else {
    expect(j['ErrorCode']).not.toBe('0');
    expect((j['ErrorDesc'] as string).length).toBeGreaterThan(0);
  }
  if (errorCode) expect(j['ErrorCode']).toBe(errorCode);
  for (const [field, type] of Object.entries(FIELDS[operation] ?? {})) expect(`${field}:${typeOf(j[field])}`).toBe(`${field}:${type}`);
}

describe('the legacy VXP HTTP API through a reproduction of the reference Java client', () => {
  const cipher = new SecretCipher(randomBytes(32));
  const book = new SecretBook(cipher);
  const secrets: Record<string, string> = {};
  let axis: InMemoryAxis;
  let server: Server;
  const registry = createMetricsRegistry('legacy-edge');
  /** A counter's value for these labels (0 before its first count). */
  const counted = async (name: string, labels: Record<string, string>): Promise<number> =>
    (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
  let endpoint: string;
  const client = (systemId: string, opts: ConstructorParameters<typeof ReferenceClient>[3] = {}) => new ReferenceClient(endpoint, systemId, secrets[systemId] ?? 'no-secret', opts);

  beforeAll(async () => {
    for (const id of ['qlvb-vpcp', 'qlvb-tayninh', 'qlvb-other']) {
      const issued = issueSecret(book, cipher, id, { now: new Date(), overlapMs: 0, operator: 'test' });
      book.apply(issued.event);
      secrets[id] = issued.secret;
    }
    axis = new InMemoryAxis();
    axis.addAgency(VPCP, 'Văn phòng Chính phủ', 'qlvb-vpcp');
    axis.addAgency(TAYNINH, 'UBND tỉnh Tây Ninh', 'qlvb-tayninh');
    axis.addAgency(DEPT, 'Sở Tài chính tỉnh Tây Ninh');
    axis.addAgency(OTHER, 'UBND tỉnh Lai Châu', 'qlvb-other');
    const api = new LegacyApi({ axis, directory: axis, secrets: book });
    server = createLegacyHttpServer({ api, maxBodyBytes: 256 * 1024, metrics: legacyEdgeMetrics(registry) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/XrdAdapter/adapter`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    axis.down = false;
  });

  it('runs the full loop of two systems: send, list, get, done, a status back, the sender sees it', async () => {
    // Both clients keep one object (and one timestamp) for the whole loop, as deployed ones do.
    const vpcp = client('qlvb-vpcp');
    const tayninh = client('qlvb-tayninh');
    const file = documentPackage(`${VPCP},2026/05/01,101/VPCP-TTĐT`, VPCP, [TAYNINH, DEPT]);
    const sent = await vpcp.sendEdoc(file, { from: VPCP, messagetype: 'edoc' });
    expectEnvelope('sendEdoc', sent, 'OK');
    const docId = sent.json['DocId'] as string;
    expect(docId).toMatch(/^pkg-\d+$/);
    // The file is what the axis got: the client's trailing CRLF is gone, the bytes untouched.
    expect(axis.sends.at(-1)!.body.equals(file)).toBe(true);

    const count = await tayninh.countReceiveEdoc();
    expectEnvelope('countReceiveEdoc', count, 'OK');
    expect(count.json['count']).toBe(2);

    const list = await tayninh.getReceivedEdocList('edoc');
    expectEnvelope('getReceivedEdocList', list, 'OK');
    const rows = list.json['data'] as Record<string, unknown>[];
    expect(rows.map((r) => r['to']).sort()).toEqual([TAYNINH, DEPT].sort());
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['created_time', 'docId', 'from', 'messageType', 'serviceType', 'status', 'status_desc', 'to', 'updated_time']);
      expect(Object.values(r).every((v) => typeof v === 'string')).toBe(true);
      expect(r).toMatchObject({ serviceType: 'eDoc', messageType: 'edoc', from: VPCP, status: 'queued' });
      expect(r['created_time']).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    }
    const mine = rows.find((r) => r['to'] === TAYNINH)!['docId'] as string;

    const got = await tayninh.getEdoc(mine);
    expectEnvelope('getEdoc', got, 'OK');
    expect(Buffer.from(got.json['data'] as string, 'base64').equals(file)).toBe(true);

    const done = await tayninh.updateStatus(mine, 'done');
    expectEnvelope('updateStatus', done, 'OK');
    expect(axis.deliveries.get(mine)!.state).toBe('acknowledged');
    // Idempotent: the same again is OK and changes nothing.
    expectEnvelope('updateStatus', await tayninh.updateStatus(mine, 'done'), 'OK');
    expect(axis.deliveries.get(mine)!.state).toBe('acknowledged');

    // status=done is now a leftover in every later call of this client: not a filter.
    expect(tayninh.signedHeaders()).toContain('"XroadVnpt-status":"done"');
    const after = await tayninh.getReceivedEdocList('edoc');
    expect((after.json['data'] as Record<string, unknown>[]).map((r) => r['to'])).toEqual([DEPT]);

    const status = await tayninh.sendEdoc(statusPackage(`${VPCP},2026/05/01,101/VPCP-TTĐT`, TAYNINH, VPCP, '01'), { from: TAYNINH, messagetype: 'status' });
    expectEnvelope('sendEdoc', status, 'OK');

    const statuses = await vpcp.getReceivedEdocList('status');
    expect((statuses.json['data'] as Record<string, unknown>[]).map((r) => [r['messageType'], r['from'], r['to']])).toEqual([['status', TAYNINH, VPCP]]);
    expect((await vpcp.countReceiveStatus()).json['count']).toBe(1);

    const sentList = await vpcp.getSentEdocList(docId);
    expectEnvelope('getSentEdocList', sentList, 'OK');
    const sentRows = sentList.json['data'] as Record<string, unknown>[];
    expect(sentRows.map((r) => [r['toCode'], r['receiveStatus'], r['statusCode']]).sort()).toEqual(
      [
        [TAYNINH, 'acknowledged', '01'],
        [DEPT, 'queued', ''],
      ].sort(),
    );
    for (const r of sentRows) {
      expect(r).toMatchObject({ senderDocId: docId, fromCode: VPCP, sendStatus: 'routed' });
      expect(r['receiverDocId']).toBe(`${docId}/${r['toCode'] as string}`);
      expect(Object.values(r).every((v) => typeof v === 'string')).toBe(true);
    }
  });

  it('keeps one DocId under the client\'s retries and resends', async () => {
    const vpcp = client('qlvb-vpcp');
    const file = documentPackage(`${VPCP},2026/05/02,7/VPCP`, VPCP, [TAYNINH]);
    const before = axis.packages.size;
    const first = await vpcp.sendEdoc(file, { from: VPCP, messagetype: 'edoc', lostAnswers: 3 });
    expectEnvelope('sendEdoc', first, 'OK');
    // Four POSTs reached the axis; one package came of them.
    expect(axis.sends.filter((s) => s.body.equals(file))).toHaveLength(4);
    expect(axis.packages.size).toBe(before + 1);
    const again = await client('qlvb-vpcp').sendEdoc(file, { from: VPCP, messagetype: 'edoc' });
    expect(again.json['DocId']).toBe(first.json['DocId']);
    expect(axis.packages.size).toBe(before + 1);

    const tayninh = client('qlvb-tayninh');
    const id = `${first.json['DocId'] as string}/${TAYNINH}`;
    await tayninh.getEdoc(id);
    expectEnvelope('updateStatus', await tayninh.updateStatus(id, 'done', 2), 'OK');
    expect(axis.deliveries.get(id)!.state).toBe('acknowledged');
  });

  it('honours the CRLF rules: a file ending in CRLF keeps it, the unpadded hash-file decides', async () => {
    const vpcp = client('qlvb-vpcp');
    // A file whose SHA-256 has bytes below 0x10, so the client's hash-file is shorter than 64.
    let file = Buffer.alloc(0);
    for (let i = 0; ; i++) {
      file = Buffer.concat([documentPackage(`${VPCP},2026/05/03,${i}/VPCP`, VPCP, [TAYNINH]), Buffer.from('\r\n')]);
      if (javaUnpaddedSha256(file).length < 62) break;
    }
    const res = await vpcp.sendEdoc(file, { from: VPCP, messagetype: 'edoc' });
    expectEnvelope('sendEdoc', res, 'OK');
    expect(axis.sends.at(-1)!.body.equals(file)).toBe(true);
    expect(axis.sends.at(-1)!.body.subarray(-2).toString()).toBe('\r\n');
  });

  it('answers Expect: 100-continue, only once the request is authenticated', async () => {
    const ok = await client('qlvb-tayninh').getReceivedEdocList('edoc');
    expect(ok.wire.continued).toBe(true);
    expectEnvelope('getReceivedEdocList', ok, 'OK');
    const refused = await client('qlvb-tayninh', { hashHeader: () => 'ab'.repeat(32) }).getReceivedEdocList('edoc');
    expect(refused.wire.continued).toBe(false);
    expectEnvelope('getReceivedEdocList', refused, 'FAIL', 'LEGACY.BAD_SIGNATURE');
  });

  it('accepts an old fixed timestamp, a // path, and ignores plain copies of parameters', async () => {
    const old = new ReferenceClient(`${endpoint}/`, 'qlvb-tayninh', secrets['qlvb-tayninh']!, { timestamp: '01011990T000000+0001' });
    expect(old.signedHeaders()).toContain('"XroadVnpt-timestamp":"01011990T000000+0001"');
    const res = await old.call('countReceiveEdoc', {}, { extraHeaders: ['XroadVnpt-docid: forged', 'XroadVnpt-from: 000.00.00.G22'] });
    expectEnvelope('countReceiveEdoc', res, 'OK');
  });

  it('verifies an S with escaped values (to as JSON text), and routes to the recipients to names', async () => {
    const vpcp = client('qlvb-vpcp');
    vpcp.set('note', 'a=b&c<d>');
    const file = documentPackage(`${VPCP},2026/05/06,1/VPCP`, VPCP, [DEPT]);
    const res = await vpcp.sendEdoc(file, { from: VPCP, messagetype: 'edoc', to: '["000.00.00.H53"]' });
    expect(vpcp.signedHeaders()).toContain('"XroadVnpt-to":"[\\"000.00.00.H53\\"]"');
    expect(vpcp.signedHeaders()).toContain('a\\u003db\\u0026c\\u003cd\\u003e');
    expectEnvelope('sendEdoc', res, 'OK');
    // `to` names the recipients instead of the package's To; the file travels unchanged.
    expect([...axis.deliveries.values()].filter((d) => d.packageId === res.json['DocId']).map((d) => d.recipientCode)).toEqual([TAYNINH]);
    expect(axis.sends.at(-1)).toMatchObject({ recipientCodes: [TAYNINH] });
    expect(axis.sends.at(-1)!.body.equals(file)).toBe(true);
  });

  it('routes on the package when to is absent or empty, and reads every spelling of to', async () => {
    const file = (n: number) => documentPackage(`${VPCP},2026/05/07,${n}/VPCP`, VPCP, [DEPT]);
    const recipientsOf = (res: { json: Record<string, unknown> }) => [...axis.deliveries.values()].filter((d) => d.packageId === res.json['DocId']).map((d) => d.recipientCode).sort();
    // One client object per send: the reference client re-sends a `to` on every later call.
    const send = (n: number, to?: string) => client('qlvb-vpcp').sendEdoc(file(n), { from: VPCP, messagetype: 'edoc', ...(to !== undefined ? { to } : {}) });
    expect(recipientsOf(await send(1))).toEqual([DEPT]);
    expect(recipientsOf(await send(2, '[]'))).toEqual([DEPT]);
    expect(recipientsOf(await send(3, ''))).toEqual([DEPT]);
    expect(recipientsOf(await send(4, '"000.00.00.H53"'))).toEqual([TAYNINH]);
    expect(recipientsOf(await send(5, `["H53", "${DEPT}", "000.00.00.H53"]`))).toEqual([TAYNINH, DEPT].sort());
    expect(recipientsOf(await send(6, `${TAYNINH};${DEPT}`))).toEqual([TAYNINH, DEPT].sort());
  });

  it('makes the same file to other recipients another DocId, and the same file to the same ones the first', async () => {
    const file = documentPackage(`${VPCP},2026/05/08,1/VPCP`, VPCP, [DEPT]);
    const toProvince = await client('qlvb-vpcp').sendEdoc(file, { from: VPCP, messagetype: 'edoc', to: `["${TAYNINH}"]` });
    const again = await client('qlvb-vpcp').sendEdoc(file, { from: VPCP, messagetype: 'edoc', to: `"${TAYNINH}"` });
    const toDept = await client('qlvb-vpcp').sendEdoc(file, { from: VPCP, messagetype: 'edoc' });
    expect(again.json['DocId']).toBe(toProvince.json['DocId']);
    expect(toDept.json['DocId']).not.toBe(toProvince.json['DocId']);
  });

  it('signs in Java HashMap order, as java.util.HashMap iterates', () => {
    // Orders printed by java.util.HashMap (OpenJDK 17) for these keys inserted in this order.
    const cases: [string[], string[]][] = [
      [
        ['XroadVnpt-systemid', 'XroadVnpt-timestamp', 'XroadVnpt-Content-Type'],
        ['XroadVnpt-Content-Type', 'XroadVnpt-timestamp', 'XroadVnpt-systemid'],
      ],
      [
        'systemid timestamp Content-Type from servicetype messagetype hash-file docId filePath docid status to level AgencyCode pageSize pageIndex fromDate toDate'.split(' ').map((k) => `XroadVnpt-${k}`),
        'status to Content-Type AgencyCode from hash-file systemid level toDate docId docid filePath pageSize timestamp servicetype pageIndex messagetype fromDate'.split(' ').map((k) => `XroadVnpt-${k}`),
      ],
    ];
    for (const [inserted, iterated] of cases) {
      const map = new JavaHashMap();
      for (const k of inserted) map.put(k, 'v');
      expect(map.entries().map(([k]) => k)).toEqual(iterated);
    }
  });

  it('updateStatus takes the one of docid and docId that names a message for the caller', async () => {
    const vpcp = client('qlvb-vpcp');
    const a = (await vpcp.sendEdoc(documentPackage(`${VPCP},2026/05/04,1/VPCP`, VPCP, [TAYNINH]), { from: VPCP, messagetype: 'edoc' })).json['DocId'] as string;
    const b = (await vpcp.sendEdoc(documentPackage(`${VPCP},2026/05/04,2/VPCP`, VPCP, [TAYNINH]), { from: VPCP, messagetype: 'edoc' })).json['DocId'] as string;
    const other = (await vpcp.sendEdoc(documentPackage(`${VPCP},2026/05/04,3/VPCP`, VPCP, [OTHER]), { from: VPCP, messagetype: 'edoc' })).json['DocId'] as string;
    const tayninh = client('qlvb-tayninh');
    await tayninh.getEdoc(`${a}/${TAYNINH}`);
    await tayninh.getEdoc(`${b}/${TAYNINH}`); // leaves docId = b
    expectEnvelope('updateStatus', await tayninh.updateStatus(`${a}/${TAYNINH}`, 'done'), 'OK');
    expect(axis.deliveries.get(`${a}/${TAYNINH}`)!.state).toBe('acknowledged');
    expect(axis.deliveries.get(`${b}/${TAYNINH}`)!.state).toBe('fetched');
    // docid names someone else's message (a stale value): the docId addressed to the caller is meant.
    tayninh.set('docId', `${b}/${TAYNINH}`);
    const res = await tayninh.call('updateStatus', { docid: `${other}/${OTHER}`, status: 'done' });
    expectEnvelope('updateStatus', res, 'OK');
    expect(axis.deliveries.get(`${b}/${TAYNINH}`)!.state).toBe('acknowledged');
    expect(axis.deliveries.get(`${other}/${OTHER}`)!.state).toBe('queued');
  });

  it('downloads the raw package bytes', async () => {
    const file = documentPackage(`${VPCP},2026/05/05,1/VPCP`, VPCP, [TAYNINH]);
    const docId = (await client('qlvb-vpcp').sendEdoc(file, { from: VPCP, messagetype: 'edoc' })).json['DocId'] as string;
    const res = await client('qlvb-tayninh').downloadEdoc(`${docId}/${TAYNINH}`);
    expect(res.httpStatus).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.body.equals(file)).toBe(true);
    const refused = await client('qlvb-other').downloadEdoc(`${docId}/${TAYNINH}`);
    expect(refused.httpStatus).toBe(403);
    expect(JSON.parse(refused.body.toString())).toMatchObject({ status: 'FAIL', ErrorCode: 'EXCHANGE.NOT_AUTHORISED' });
  });

  it("answers a failed downloadEdoc under its code's HTTP status in the error map", async () => {
    const file = documentPackage(`${VPCP},2026/05/06,1/VPCP`, VPCP, [TAYNINH]);
    const docId = `${(await client('qlvb-vpcp').sendEdoc(file, { from: VPCP, messagetype: 'edoc' })).json['DocId'] as string}/${TAYNINH}`;
    const failed = async (answer: Promise<WireResponse>): Promise<[number, unknown]> => {
      const res = await answer;
      return [res.httpStatus, (JSON.parse(res.body.toString()) as { ErrorCode: unknown }).ErrorCode];
    };
    expect(await failed(client('qlvb-other').downloadEdoc(docId))).toEqual([403, 'EXCHANGE.NOT_AUTHORISED']);
    expect(await failed(new ReferenceClient(endpoint, 'qlvb-unknown', 'whatever').downloadEdoc(docId))).toEqual([401, 'LEGACY.UNKNOWN_SYSTEM']);
    expect(await failed(new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-other']!).downloadEdoc(docId))).toEqual([401, 'LEGACY.BAD_SIGNATURE']);
    expect(await failed(client('qlvb-tayninh', { hashHeader: () => '' }).downloadEdoc(docId))).toEqual([401, 'LEGACY.MISSING_SIGNATURE']);
    const withoutDocId = client('qlvb-tayninh').exchange({ method: 'GET', operation: 'downloadEdoc', contentType: 'application/json', body: Buffer.alloc(0), expectContinue: false });
    expect(await failed(withoutDocId)).toEqual([400, 'LEGACY.MISSING_PARAMETER']);
    axis.down = true;
    expect(await failed(client('qlvb-tayninh').downloadEdoc(docId))).toEqual([503, 'EXCHANGE.UNAVAILABLE']);
    axis.down = false;
    expect((await client('qlvb-tayninh').downloadEdoc(docId)).httpStatus).toBe(200);
  });

  it('serves the directory: agencies, QD20 levels, synchronisation and its changes since a token', async () => {
    const c = client('qlvb-other');
    const list = await c.getAgenciesList();
    expectEnvelope('getAgenciesList', list, 'OK');
    const rows = list.json['data'] as Record<string, unknown>[];
    expect(rows.find((r) => r['code'] === DEPT)).toEqual({ id: DEPT, code: DEPT, name: 'Sở Tài chính tỉnh Tây Ninh', mail: '', pid: TAYNINH, oldCode: '' });
    expect(list.wire.body.toString('ascii')).toContain('S\\u1edf T\\u00e0i ch\\u00ednh');

    const qd20 = await c.getAgenciesListQD20('2');
    expectEnvelope('getAgenciesListQD20', qd20, 'OK');
    expect(qd20.json['data']).toEqual([{ id: DEPT, code: 'H53.32', name: 'Sở Tài chính tỉnh Tây Ninh', mail: '', code102: DEPT }]);

    const sync = await c.getSynchronizeUnit();
    expectEnvelope('getSynchronizeUnit', sync, 'OK');
    const units = sync.json['data'] as Record<string, unknown>[];
    expect(units.find((u) => u['code'] === DEPT)).toMatchObject({ id: DEPT, pid: TAYNINH, centerCode: TAYNINH, deleted: false, isAgency: false, version: 1 });
    expect(units.find((u) => u['code'] === TAYNINH)).toMatchObject({ isAgency: true });
    const token = sync.json['syncToken'] as string;
    const none = await c.getSynchronizeUnit({ syncToken: token });
    expect(none.json['data']).toEqual([]);

    // A hub registers a unit under the province it serves, then deletes it: both show as changes.
    const hub = client('qlvb-tayninh');
    const reg = await hub.registerAgency('{"id": 0, "pcode": "000.00.32.H53", "code": "000.01.32.H53", "name": "Phòng Ngân sách", "mail": "ns@tayninh.gov.vn", "mobile": "", "fax": "",}');
    expectEnvelope('registerAgency', reg, 'OK');
    // The client's retry of the same registration is the same registration.
    expectEnvelope('registerAgency', await hub.registerAgency('{"pcode":"000.00.32.H53","code":"000.01.32.H53","name":"Phòng Ngân sách"}'), 'OK');
    const changes = await c.getSynchronizeUnit({ syncToken: token });
    expect((changes.json['data'] as Record<string, unknown>[]).map((u) => [u['code'], u['deleted'], u['mail']])).toEqual([['000.01.32.H53', false, 'ns@tayninh.gov.vn']]);
    const del = await hub.deleteAgency('000.01.32.H53');
    expectEnvelope('deleteAgency', del, 'OK');
    expectEnvelope('deleteAgency', await hub.deleteAgency('000.01.32.H53'), 'OK');
    const later = await c.getSynchronizeUnit({ syncToken: changes.json['syncToken'] as string });
    expect((later.json['data'] as Record<string, unknown>[]).map((u) => [u['code'], u['deleted']])).toEqual([['000.01.32.H53', true]]);
    expect(((await c.getAgenciesList()).json['data'] as Record<string, unknown>[]).map((r) => r['code'])).not.toContain('000.01.32.H53');
  });

  describe('failure paths: every refusal is a complete FAIL envelope with a coded error, and changes nothing', () => {
    const everyOperation: [string, (c: ReferenceClient) => Promise<{ wire: { body: Buffer }; json: Record<string, unknown> }>][] = [
      ['sendEdoc', (c) => c.sendEdoc(documentPackage(`${VPCP},2026/06/01,1/VPCP`, VPCP, [TAYNINH]), { from: VPCP, messagetype: 'edoc' })],
      ['getReceivedEdocList', (c) => c.getReceivedEdocList('edoc')],
      ['getEdoc', (c) => c.getEdoc('pkg-1/000.00.00.H53')],
      ['updateStatus', (c) => c.updateStatus('pkg-1/000.00.00.H53', 'done')],
      ['getSentEdocList', (c) => c.getSentEdocList('pkg-1')],
      ['countReceiveEdoc', (c) => c.countReceiveEdoc()],
      ['countReceiveStatus', (c) => c.countReceiveStatus()],
      ['getAgenciesList', (c) => c.getAgenciesList()],
      ['getAgenciesListQD20', (c) => c.getAgenciesListQD20('1')],
      ['getSynchronizeUnit', (c) => c.getSynchronizeUnit()],
      ['registerAgency', (c) => c.registerAgency('{"code":"000.02.32.H53","name":"X"}')],
      ['deleteAgency', (c) => c.deleteAgency(DEPT)],
    ];

    const state = () => JSON.stringify({ p: axis.packages.size, d: [...axis.deliveries.values()].map((d) => d.state), a: [...axis.agencies.values()].map((a) => a.status) });

    it.each(everyOperation)('%s: wrong hash, unknown system, axis down', async (operation, call) => {
      const before = state();
      expectEnvelope(operation, await call(client('qlvb-vpcp', { hashHeader: (s) => createHmac('sha256', 'wrong').update(s).digest('hex') })), 'FAIL', 'LEGACY.BAD_SIGNATURE');
      expectEnvelope(operation, await call(client('qlvb-vpcp', { hashHeader: () => '' })), 'FAIL', 'LEGACY.MISSING_SIGNATURE');
      expectEnvelope(operation, await call(new ReferenceClient(endpoint, 'qlvb-unknown', 'whatever')), 'FAIL', 'LEGACY.UNKNOWN_SYSTEM');
      // A secret of another system does not sign for this one.
      expectEnvelope(operation, await call(new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-other']!)), 'FAIL', 'LEGACY.BAD_SIGNATURE');
      expect(state()).toBe(before);
      axis.down = true;
      // registerAgency is authorised (from the directory in memory) before the directory is called.
      expectEnvelope(operation, await call(client('qlvb-vpcp')), 'FAIL', operation === 'registerAgency' ? 'LEGACY.NOT_AUTHORISED' : 'EXCHANGE.UNAVAILABLE');
      axis.down = false;
      expect(state()).toBe(before);
    });

    it('refuses bad parameters of each operation with their own codes', async () => {
      const vpcp = client('qlvb-vpcp');
      const tayninh = client('qlvb-tayninh');
      const file = documentPackage(`${VPCP},2026/06/02,1/VPCP`, VPCP, [TAYNINH]);
      const before = state();
      const cases: [string, Promise<{ wire: { body: Buffer }; json: Record<string, unknown> }>, string][] = [
        ['sendEdoc', vpcp.sendEdoc(file, { from: TAYNINH, messagetype: 'edoc' }), 'LEGACY.NOT_AUTHORISED'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).sendEdoc(file, { from: VPCP, messagetype: 'edoc', hashFile: 'abc' }), 'LEGACY.HASH_FILE_MISMATCH'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).sendEdoc(file, { from: VPCP, messagetype: 'letter' as 'edoc' }), 'LEGACY.INVALID_PARAMETER'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).sendEdoc(documentPackage('x', TAYNINH, [VPCP]), { from: VPCP, messagetype: 'edoc' }), 'EXCHANGE.SENDER_MISMATCH'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).sendEdoc(file, { from: VPCP, messagetype: 'status' }), 'EXCHANGE.KIND_MISMATCH'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).sendEdoc(file, { from: VPCP, messagetype: 'edoc', to: '["000.00.00.H53"' }), 'LEGACY.INVALID_PARAMETER'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).sendEdoc(file, { from: VPCP, messagetype: 'edoc', to: '[53]' }), 'LEGACY.INVALID_PARAMETER'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).sendEdoc(file, { from: VPCP, messagetype: 'edoc', to: '["28.22.H17"]' }), 'LEGACY.INVALID_PARAMETER'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).call('sendEdoc', { servicetype: 'eDoc', messagetype: 'edoc' }, { body: file, expectContinue: false }), 'LEGACY.MISSING_PARAMETER'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).call('sendEdoc', { from: VPCP, servicetype: 'eDoc', messagetype: 'edoc' }, { body: Buffer.alloc(0), expectContinue: false }), 'LEGACY.EMPTY_BODY'],
        ['sendEdoc', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).call('sendEdoc', { from: VPCP, servicetype: 'eDoc', messagetype: 'edoc' }, { body: Buffer.alloc(300 * 1024, 0x41), expectContinue: true }), 'LEGACY.BODY_TOO_LARGE'],
        ['getReceivedEdocList', tayninh.getReceivedEdocList('letters' as 'edoc'), 'LEGACY.INVALID_PARAMETER'],
        ['getReceivedEdocList', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).getReceivedEdocList('edoc', { fromDate: '31/31/2026' }), 'LEGACY.INVALID_PARAMETER'],
        ['getReceivedEdocList', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).getReceivedEdocList('edoc', { pageSize: '-3' }), 'LEGACY.INVALID_PARAMETER'],
        ['getEdoc', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).call('getEdoc', { filePath: '/tmp' }), 'LEGACY.MISSING_PARAMETER'],
        ['getEdoc', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).getEdoc('pkg-999/000.00.00.H53'), 'DELIVERY.UNKNOWN_DELIVERY'],
        ['updateStatus', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).call('updateStatus', { docid: 'x', status: 'read' }), 'LEGACY.INVALID_PARAMETER'],
        ['updateStatus', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).call('updateStatus', { status: 'done' }), 'LEGACY.MISSING_PARAMETER'],
        ['updateStatus', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).call('updateStatus', { docid: 'x' }), 'LEGACY.MISSING_PARAMETER'],
        ['getSentEdocList', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).call('getSentEdocList', {}), 'LEGACY.MISSING_PARAMETER'],
        ['getSentEdocList', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).getSentEdocList('pkg-999'), 'EXCHANGE.NOT_FOUND'],
        ['getAgenciesListQD20', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).getAgenciesListQD20('7'), 'LEGACY.INVALID_PARAMETER'],
        ['getSynchronizeUnit', new ReferenceClient(endpoint, 'qlvb-vpcp', secrets['qlvb-vpcp']!).getSynchronizeUnit({ syncToken: 'garbage' }), 'DIRECTORY.INVALID_CURSOR'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency('{code: 000.03.32.H53'), 'LEGACY.INVALID_JSON'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency(''), 'LEGACY.INVALID_JSON'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency('["000.03.32.H53"]'), 'LEGACY.INVALID_JSON'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency('{"name":"X"}'), 'LEGACY.MISSING_PARAMETER'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency('{"code":"000.03.32.H53"}'), 'LEGACY.MISSING_PARAMETER'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency('{"code":"000.1137.H53","name":"X"}'), 'LEGACY.INVALID_PARAMETER'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency('{"code":"000.03.32.H53","pcode":"000.00.00.H53","name":"X"}'), 'LEGACY.INVALID_PARAMETER'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-other', secrets['qlvb-other']!).registerAgency('{"code":"000.03.32.H53","name":"X"}'), 'LEGACY.NOT_AUTHORISED'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency('{"code":"000.00.00.H99","name":"X"}'), 'LEGACY.NOT_AUTHORISED'],
        ['registerAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).registerAgency(`{"code":"${DEPT}","name":"Another name"}`), 'DIRECTORY.DUPLICATE_CODE'],
        ['deleteAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).call('deleteAgency', {}), 'LEGACY.MISSING_PARAMETER'],
        ['deleteAgency', new ReferenceClient(endpoint, 'qlvb-other', secrets['qlvb-other']!).deleteAgency(DEPT), 'LEGACY.NOT_AUTHORISED'],
        ['deleteAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).deleteAgency(TAYNINH), 'LEGACY.NOT_AUTHORISED'],
        ['deleteAgency', new ReferenceClient(endpoint, 'qlvb-tayninh', secrets['qlvb-tayninh']!).deleteAgency('000.09.32.H53'), 'LEGACY.NOT_FOUND'],
      ];
      for (const [operation, pending, code] of cases) {
        const res = await pending;
        expect(`${operation} ${res.json['ErrorCode'] as string}`).toBe(`${operation} ${code}`);
        expectEnvelope(operation, res, 'FAIL', code);
      }
      // The two sendEdoc refusals the axis records as rejected packages mint no DocId and deliver nothing.
      expect(JSON.parse(state()).d).toEqual(JSON.parse(before).d);
      expect(JSON.parse(state()).a).toEqual(JSON.parse(before).a);
    });

    it('names both codes when a system sends as an agency it does not serve', async () => {
      const res = await client('qlvb-other').sendEdoc(documentPackage('x', VPCP, [TAYNINH]), { from: VPCP, messagetype: 'edoc' });
      expectEnvelope('sendEdoc', res, 'FAIL', 'LEGACY.NOT_AUTHORISED');
      expect(res.json['DocId']).toBe('');
      expect(res.json['ErrorDesc']).toContain(OTHER);
      expect(res.json['ErrorDesc']).toContain(VPCP);
    });

    it('refuses another system\'s message and package, and an unknown operation', async () => {
      const docId = (await client('qlvb-vpcp').sendEdoc(documentPackage(`${VPCP},2026/06/03,1/VPCP`, VPCP, [TAYNINH]), { from: VPCP, messagetype: 'edoc' })).json['DocId'] as string;
      const other = client('qlvb-other');
      const got = await other.getEdoc(`${docId}/${TAYNINH}`);
      expectEnvelope('getEdoc', got, 'FAIL', 'EXCHANGE.NOT_AUTHORISED');
      expect(got.json['data']).toBe('');
      expectEnvelope('updateStatus', await other.updateStatus(`${docId}/${TAYNINH}`, 'done'), 'FAIL', 'EXCHANGE.NOT_AUTHORISED');
      expectEnvelope('getSentEdocList', await other.getSentEdocList(docId), 'FAIL', 'EXCHANGE.NOT_AUTHORISED');
      expect(axis.deliveries.get(`${docId}/${TAYNINH}`)!.state).toBe('queued');
      const tayninh = client('qlvb-tayninh');
      expectEnvelope('updateStatus', await tayninh.updateStatus(`${docId}/${TAYNINH}`, 'done'), 'FAIL', 'DELIVERY.NOT_FETCHED');
      const unknown = await tayninh.call('sendDocument');
      expect(unknown.json).toMatchObject({ status: 'FAIL', ErrorCode: 'LEGACY.UNKNOWN_OPERATION' });
    });

    it('counts every answer by operation and outcome, and every failure by its code (vdx_legacy_requests_total, vdx_edge_refusals_total)', async () => {
      const tayninh = client('qlvb-tayninh');
      const read = () =>
        Promise.all([
          counted('vdx_legacy_requests_total', { operation: 'countReceiveEdoc', outcome: 'ok' }),
          counted('vdx_legacy_requests_total', { operation: 'getEdoc', outcome: 'fail' }),
          counted('vdx_legacy_requests_total', { operation: 'unknown', outcome: 'fail' }),
          counted('vdx_edge_refusals_total', { code: 'LEGACY.UNKNOWN_OPERATION' }),
          counted('vdx_edge_refusals_total', { code: 'DELIVERY.UNKNOWN_DELIVERY' }),
        ]);
      const before = await read();
      expectEnvelope('countReceiveEdoc', await tayninh.countReceiveEdoc(), 'OK');
      expectEnvelope('getEdoc', await client('qlvb-other').getEdoc(`no-such-document/${TAYNINH}`), 'FAIL', 'DELIVERY.UNKNOWN_DELIVERY');
      await tayninh.call('sendDocument');
      await tayninh.call('anotherMadeUpOperation');
      const after = await read();
      expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 2, 2, 1]);
    });
  });
});
