import { PackageRejectedEvent } from '@vdx/contracts';
import { InMemoryBlobStore } from '@vdx/blob-store';
import type { EventEnvelope, PackageAccepted, PackageFinding, PackageRejected } from '@vdx/contracts';
import { documentPackage, parseEdxml, statusPackage } from '@vdx/edxml';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryReceiptStore } from '../receipts/in-memory-receipt-store';
import type { StrictFindings } from './intake-policy';
import { PackageIntake, type SendHeader, type SendOutcome } from './package-intake';
import { packageFacts } from './package-facts';

// Lenient intake (docs/domain.md §9, docs/adr/0012-lenient-intake.md): what cannot be carried
// safely is refused with a code; everything else is carried with its findings, its facts
// normalised and its body byte for byte.

const SAMPLES = join(__dirname, '../../../../../test-fixtures/edxml/vnpt-sdk-samples');
const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';
const SO_TC = '000.00.32.H53';
const FP = 'f'.repeat(64);
const caller = { fingerprint: FP, systemId: 'qlvb-test' };
const MH = 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

function chunks(bytes: Buffer, size = 4096): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

function setup(strictFindings?: StrictFindings) {
  const events: EventEnvelope[] = [];
  const blobs = new InMemoryBlobStore();
  const intake = new PackageIntake({
    blobs,
    receipts: new InMemoryReceiptStore(),
    append: async (e) => void events.push(e),
    // The test system serves every agency.
    mayActFor: (fp) => fp === FP,
    clock: () => new Date('2026-11-30T02:00:00Z'),
    ...(strictFindings ? { strictFindings } : {}),
  });
  return { intake, events, blobs };
}

const header = (senderCode: string, kind: 'edoc' | 'status', bytes?: Buffer): SendHeader => ({
  senderCode,
  kind,
  clientRef: '',
  bodySha256: bytes ? sha256(bytes) : '',
  bodySize: bytes?.length ?? 0,
});

async function stored(blobs: InMemoryBlobStore, sha: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of await blobs.get(sha)) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

function accepted(outcome: SendOutcome) {
  if (outcome.outcome !== 'accepted') throw new Error(`expected acceptance, got ${outcome.errorCode}: ${outcome.reason}`);
  return outcome.receipt;
}

const codesAt = (findings: readonly PackageFinding[]) => findings.map((f) => `${f.severity} ${f.code} ${f.path}`);

/** The `OrganId` line that follows `<edXML:${block}>` in the sample. */
const organIdIn = (block: string, code: string) => `<edXML:${block}>\r\n          <edXML:OrganId>${code}</edXML:OrganId>`;

/** Replaces exactly one occurrence of `from` in the bytes. */
function edit(bytes: Buffer, from: string, to: string): Buffer {
  const text = bytes.toString('utf8');
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" is not in the package exactly once`);
  return Buffer.from(text.slice(0, at) + to + text.slice(at + from.length), 'utf8');
}

// A real package the axis accepts as it is: the reference SDK's update sample.
const CLEAN = readFileSync(join(SAMPLES, 'edoc_update.edxml'));
const CLEAN_RECIPIENTS = ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'];

describe('lenient intake: every reference sample is carried with its findings', () => {
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.edxml')).sort();

  it('finds the 15 samples', () => expect(files).toHaveLength(15));

  it.each(files)('accepts %s, with every finding the reader reports, as a warning', async (file) => {
    const bytes = readFileSync(join(SAMPLES, file));
    const read = parseEdxml(bytes);
    const sender = read.package.header.from!.organId!;
    const { intake, events, blobs } = setup();
    const receipt = accepted(await intake.receive(caller, header(sender, read.package.kind, bytes), chunks(bytes)));
    expect(receipt.warnings.map((f) => [f.code, f.path])).toEqual(read.findings.map((f) => [f.code, f.path]));
    expect(new Set(receipt.warnings.map((f) => f.severity))).toEqual(new Set(read.findings.length > 0 ? ['warning'] : []));
    expect(receipt.bodySha256).toBe(sha256(bytes));
    expect((await stored(blobs, receipt.bodySha256)).equals(bytes)).toBe(true);
    const payload = events[0]!.payload as PackageAccepted;
    expect(payload).toMatchObject({ senderCode: sender, bodySha256: sha256(bytes), bodySize: bytes.length, warnings: receipt.warnings });
  });

  it('carries the small sample’s repaired unclosed element and its non-base64 content', async () => {
    const bytes = readFileSync(join(SAMPLES, 'edoc.edxml'));
    const { intake } = setup();
    const receipt = accepted(await intake.receive(caller, header('777.77.04.D77', 'edoc', bytes), chunks(bytes)));
    expect(receipt.warnings.filter((f) => ['EDXML.UNCLOSED_ELEMENT', 'EDXML.INVALID_BASE64'].includes(f.code)).map((f) => f.path)).toEqual([
      `${MH}/From`,
      'edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded',
    ]);
    expect(receipt.recipientCodes).toEqual(['777.77.03.D77']);
  });
});

describe('lenient intake: packages with each known deviation are carried, their facts normalised', () => {
  async function send(bytes: Buffer, senderCode = G22) {
    const { intake, events, blobs } = setup();
    const receipt = accepted(await intake.receive(caller, header(senderCode, 'edoc', bytes), chunks(bytes, 1000)));
    // The stored body is the one sent, byte for byte: normalising touches only the facts.
    expect(receipt.bodySha256).toBe(sha256(bytes));
    expect((await stored(blobs, receipt.bodySha256)).equals(bytes)).toBe(true);
    return { receipt, payload: events[0]!.payload as PackageAccepted };
  }

  it('a PromulgationDate and a DueDate written dd/MM/yyyy: INVALID_DATE carried, the dates read as yyyy/MM/dd', async () => {
    let bytes = edit(CLEAN, '<edXML:PromulgationDate>2018/09/28', '<edXML:PromulgationDate>30/10/2020');
    bytes = edit(bytes, '<edXML:DueDate>2018/09/28', '<edXML:DueDate>15/11/2020');
    const { receipt, payload } = await send(bytes);
    const dates = receipt.warnings.filter((f) => f.code === 'EDXML.INVALID_DATE');
    expect(dates.map((f) => [f.path, f.severity])).toEqual([
      [`${MH}/PromulgationInfo/PromulgationDate`, 'warning'],
      [`${MH}/DueDate`, 'warning'],
    ]);
    expect(dates[0]!.message).toBe('"30/10/2020" is not a valid yyyy/MM/dd date; the axis reads it as 2020/10/30');
    expect(dates[1]!.message).toMatch(/reads it as 2020\/11\/15$/);
    expect(payload.dueDate).toBe('2020/11/15');
    expect(packageFacts(parseEdxml(bytes).package)).toMatchObject({
      promulgationDate: '2020/10/30',
      dueDate: '2020/11/15',
      normalisations: [
        { path: `${MH}/PromulgationInfo/PromulgationDate`, written: '30/10/2020', readAs: '2020/10/30' },
        { path: `${MH}/DueDate`, written: '15/11/2020', readAs: '2020/11/15' },
      ],
    });
  });

  it('SteeringType 0: UNKNOWN_STEERING_TYPE carried', async () => {
    const { receipt, payload } = await send(edit(CLEAN, '<edXML:SteeringType>1', '<edXML:SteeringType>0'));
    expect(codesAt(receipt.warnings)).toContain(`warning EDXML.UNKNOWN_STEERING_TYPE ${MH}/SteeringType`);
    expect(payload.recipientCodes).toEqual(CLEAN_RECIPIENTS);
  });

  it('a CodeNumber over 11 characters: TOO_LONG carried', async () => {
    const { receipt } = await send(edit(CLEAN, '<edXML:CodeNumber>7816', '<edXML:CodeNumber>78160000000123'));
    expect(codesAt(receipt.warnings)).toContain(`warning EDXML.TOO_LONG ${MH}/Code/CodeNumber`);
  });

  it('a compact From/OrganId: INVALID_ORGAN_ID carried, the sender read as its canonical code', async () => {
    const { receipt, payload } = await send(edit(CLEAN, organIdIn('From', G22), organIdIn('From', 'G22')));
    const finding = receipt.warnings.find((f) => f.path === `${MH}/From/OrganId`);
    expect(finding).toEqual({
      code: 'EDXML.INVALID_ORGAN_ID',
      path: `${MH}/From/OrganId`,
      severity: 'warning',
      message: '"G22" is not an agency code (expected the form 000.00.00.G22); the axis reads it as 000.00.00.G22',
    });
    expect(payload.senderCode).toBe(G22);
  });

  it('compact and undotted recipient codes: read as canonical codes, repeats removed', async () => {
    let bytes = edit(CLEAN, organIdIn('To', '000.00.00.H41'), organIdIn('To', 'H41'));
    bytes = edit(bytes, organIdIn('To', '000.00.00.H14'), organIdIn('To', '0000000H14'));
    bytes = edit(bytes, organIdIn('To', '000.00.00.G17'), organIdIn('To', ' H41 '));
    const { receipt, payload } = await send(bytes);
    expect(payload.recipientCodes).toEqual(['000.00.00.H41', '000.00.00.H14']);
    expect(receipt.recipientCodes).toEqual(['000.00.00.H41', '000.00.00.H14']);
    expect(receipt.warnings.filter((f) => f.code === 'EDXML.INVALID_ORGAN_ID' && f.path.includes('/To[')).map((f) => f.message.split('; ')[1])).toEqual([
      'the axis reads it as 000.00.00.H41',
      'the axis reads it as 000.00.00.H14',
      'the axis reads it as 000.00.00.H41',
    ]);
  });

  it('a status whose Timestamp is written dd/MM/yyyy is the same status as when written yyyy/MM/dd', async () => {
    const doc = '000.00.00.G22,2026/11/29,7/VPCP';
    const status = (timestamp: string) => Buffer.from(statusPackage({ from: H53, documentId: doc, documentIssuer: G22, statusCode: '01', timestamp }).xml);
    const { intake, events } = setup();
    const first = await intake.receive(caller, header(H53, 'status'), chunks(status('30/11/2026 09:00:00')));
    const again = await intake.receive(caller, header(H53, 'status'), chunks(status('2026/11/30 09:00:00')));
    expect(first).toMatchObject({ outcome: 'accepted', duplicate: false });
    expect(again).toMatchObject({ outcome: 'accepted', duplicate: true });
    expect(events).toHaveLength(1);
  });
});

describe('lenient intake: what cannot be carried safely is refused with a code', () => {
  async function refused(bytes: Buffer | string, kind: 'edoc' | 'status' = 'edoc', senderCode = H53) {
    const body = Buffer.from(bytes);
    const { intake, events, blobs } = setup();
    const outcome = await intake.receive(caller, header(senderCode, kind), chunks(body, 64));
    if (outcome.outcome !== 'rejected') throw new Error('expected a rejection');
    // A rejection is recorded, with the bytes kept as evidence.
    expect(events.map((e) => [e.type, (e.payload as PackageRejected).errorCode])).toEqual([[PackageRejectedEvent.type, outcome.errorCode]]);
    expect(await blobs.has(sha256(body))).toBe(true);
    return outcome;
  }

  const clean = documentPackage({ from: H53, to: [G22], codeNumber: '12', codeNotation: 'UBND-VP', promulgationDate: '2026/11/30', subject: 'Thử nghiệm', attachments: [{ name: 'a.pdf', bytes: Buffer.from('%PDF-1.7') }] }).xml;
  const cleanStatus = statusPackage({ from: H53, documentId: '000.00.00.G22,2026/11/29,7/VPCP', documentIssuer: G22, statusCode: '03', timestamp: '2026/11/30 09:00:00' }).xml;

  it.each([
    ['a DTD (XXE)', `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>`, 'EDXML.DTD_FORBIDDEN'],
    ['entity expansion without a DTD', clean.replace('Thử nghiệm', '&lol9;'), 'EDXML.ENTITY_FORBIDDEN'],
    ['a declared encoding other than UTF-8', `<?xml version="1.0" encoding="ISO-8859-1"?>${clean.replace(/^<\?xml[^>]*\?>/, '')}`, 'EDXML.UNSUPPORTED_ENCODING'],
    ['nesting deeper than the reader allows', `<edXML>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</edXML>`, 'EDXML.TOO_DEEP'],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from('<edXML>'), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('</edXML>')]), 'EDXML.MALFORMED_XML'],
    ['XML that is not well formed', clean.replace('</edXML:Subject>', '</edXML:Subjekt>'), 'EDXML.MALFORMED_XML'],
    ['another root than edXML', '<html><body>hello</body></html>', 'EDXML.NOT_EDXML'],
  ])('%s: the reader’s code', async (_, body, code) => {
    expect(await refused(body)).toMatchObject({ errorCode: code, findings: [] });
  });

  it.each([
    ['a document without DocumentId', clean.replace(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, ''), 'edoc', `error EDXML.MISSING_FIELD ${MH}/DocumentId`],
    ['an unknown business type', clean.replace('<edXML:BussinessDocType>0<', '<edXML:BussinessDocType>7<'), 'edoc', 'error EDXML.UNKNOWN_BUSINESS_TYPE edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/BussinessDocType'],
    ['a revoke naming no earlier document', clean.replace('<edXML:BussinessDocType>0<', '<edXML:BussinessDocType>1<'), 'edoc', 'error EDXML.MISSING_FIELD edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/DocumentId'],
    ['a manifest naming an attachment that is not there', clean.replace(/<edXML:ContentId>cid:att-1<\/edXML:ContentId>/, '<edXML:ContentId>cid:att-9</edXML:ContentId>'), 'edoc', ['error EDXML.MANIFEST_ATTACHMENT_MISMATCH edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference[1]/ContentId', 'error EDXML.MANIFEST_ATTACHMENT_MISMATCH edXML/AttachmentEncoded/Attachment[1]/ContentId']],
    ['a status with an unknown code', cleanStatus.replace('<edXML:StatusCode>03<', '<edXML:StatusCode>07<'), 'status', `error EDXML.UNKNOWN_STATUS_CODE ${MH}/StatusCode`],
    // (A MessageHeader without StatusCode reads as a document; a Status container is always a status.)
    ['a status without StatusCode', cleanStatus.replace(/MessageHeader>/g, 'Status>').replace(/<edXML:StatusCode>03<\/edXML:StatusCode>/, ''), 'status', 'error EDXML.MISSING_FIELD edXML/edXMLEnvelope/edXMLHeader/Status/StatusCode'],
    ['a status naming no document', cleanStatus.replace(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, ''), 'status', `error EDXML.MISSING_FIELD ${MH}/ResponseFor/DocumentId`],
    ['a status without ResponseFor', cleanStatus.replace(/<edXML:ResponseFor>[\s\S]*<\/edXML:ResponseFor>/, ''), 'status', `error EDXML.MISSING_RESPONSE_FOR ${MH}/ResponseFor`],
  ] as const)('%s: EXCHANGE.INVALID_PACKAGE, that finding an error and the others warnings', async (_, xml, kind, blocking) => {
    const outcome = await refused(xml, kind);
    expect(outcome.errorCode).toBe('EXCHANGE.INVALID_PACKAGE');
    expect(codesAt(outcome.findings).filter((f) => f.startsWith('error '))).toEqual(typeof blocking === 'string' ? [blocking] : blocking);
    expect(outcome.findings.length).toBe(parseEdxml(xml).findings.length);
  });

  it('a From that has no reading as an agency code: EXCHANGE.SENDER_MISMATCH', async () => {
    expect(await refused(clean.replace(`<edXML:OrganId>${H53}</edXML:OrganId>`, '<edXML:OrganId>28.22.H53</edXML:OrganId>'))).toMatchObject({
      errorCode: 'EXCHANGE.SENDER_MISMATCH',
      reason: `the package is from 28.22.H53 but was sent as ${H53}`,
    });
  });

  it('a compact From that reads as another agency than the sender: EXCHANGE.SENDER_MISMATCH', async () => {
    expect(await refused(clean.replace(`<edXML:OrganId>${H53}</edXML:OrganId>`, '<edXML:OrganId>H53.32</edXML:OrganId>'))).toMatchObject({ errorCode: 'EXCHANGE.SENDER_MISMATCH' });
  });

  it('a document whose recipients are all empty: EXCHANGE.NO_RECIPIENTS', async () => {
    expect(await refused(clean.replace(`<edXML:OrganId>${G22}</edXML:OrganId>`, '<edXML:OrganId> </edXML:OrganId>'))).toMatchObject({ errorCode: 'EXCHANGE.NO_RECIPIENTS' });
  });
});

describe('lenient intake: strictness is configurable per finding code', () => {
  const steering0 = (from: string) =>
    Buffer.from(
      documentPackage({ from, to: [G22], codeNumber: '12', codeNotation: 'UBND-VP', promulgationDate: '2026/11/30', subject: 'Thử nghiệm' }).xml.replace(
        '<edXML:SteeringType>1<',
        '<edXML:SteeringType>0<',
      ),
    );
  const send = (intake: PackageIntake, from: string, bytes: Buffer) => intake.receive(caller, header(from, 'edoc'), chunks(bytes));

  it('the default carries every deviation', async () => {
    expect(await send(setup().intake, H53, steering0(H53))).toMatchObject({ outcome: 'accepted' });
  });

  it('a code refused for everyone: EXCHANGE.REFUSED_BY_POLICY from any sender, the refused finding an error', async () => {
    const { intake, events } = setup({ everyone: ['EDXML.UNKNOWN_STEERING_TYPE'], bySender: {} });
    for (const from of [H53, SO_TC]) {
      const outcome = await send(intake, from, steering0(from));
      expect(outcome).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.REFUSED_BY_POLICY' });
      if (outcome.outcome !== 'rejected') return;
      expect(outcome.reason).toBe(`this axis refuses packages from ${from} with EDXML.UNKNOWN_STEERING_TYPE (1 finding(s), first at ${MH}/SteeringType)`);
      expect(codesAt(outcome.findings)).toEqual([`error EDXML.UNKNOWN_STEERING_TYPE ${MH}/SteeringType`]);
    }
    expect(events.map((e) => (e.payload as PackageRejected).errorCode)).toEqual(['EXCHANGE.REFUSED_BY_POLICY', 'EXCHANGE.REFUSED_BY_POLICY']);
    // A package without that finding still goes through.
    const ok = Buffer.from(documentPackage({ from: H53, to: [G22], codeNumber: '13', codeNotation: 'UBND-VP', promulgationDate: '2026/11/30', subject: 'x' }).xml);
    expect(await send(intake, H53, ok)).toMatchObject({ outcome: 'accepted' });
  });

  it('a code refused for one sender only: the others are carried', async () => {
    const { intake } = setup({ everyone: [], bySender: { [SO_TC]: ['EDXML.UNKNOWN_STEERING_TYPE'] } });
    expect(await send(intake, SO_TC, steering0(SO_TC))).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.REFUSED_BY_POLICY' });
    const fromH53 = await send(intake, H53, steering0(H53));
    expect(codesAt(accepted(fromH53).warnings)).toEqual([`warning EDXML.UNKNOWN_STEERING_TYPE ${MH}/SteeringType`]);
  });

  it('refuses what cannot be carried before asking the policy', async () => {
    const { intake } = setup({ everyone: ['EDXML.UNKNOWN_STEERING_TYPE'], bySender: {} });
    const noId = Buffer.from(steering0(H53).toString().replace(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, ''));
    expect(await send(intake, H53, noId)).toMatchObject({ outcome: 'rejected', errorCode: 'EXCHANGE.INVALID_PACKAGE' });
  });
});
