import { PackageAcceptedEvent } from '@vdx/contracts';
import { agencyOf } from './scopes';
import type { Account } from './access';
import {
  acceptedEntries,
  authorizeRedrive,
  keyPart,
  normaliseNotation,
  notationOf,
  parseDeadLetterQuery,
  parseDocumentSearch,
  parseRedriveBody,
  parseTraceQuery,
  recipientsOf,
  refusedEntry,
  seesAny,
} from './documents';
import { documentLife } from './exchange-life';
import { foldEvent } from './fold';
import { StatisticsError } from './statistics.error';

const G22 = '000.00.00.G22';
const H53 = '000.00.00.H53';
const H53_32 = '000.00.32.H53';
const H40 = '000.00.00.H40';
const DOC = `${G22},2025/07/15,7816/VPCP-TTĐT`;
/** DOC as a part of a lookup `_id`: Đ as its UTF-8 bytes. */
const DOC_KEY = `${G22},2025/07/15,7816/VPCP-TT%C4%90T`;
const NOW = Date.parse('2025-07-20T05:00:00Z');

const refusal = (fn: () => unknown): [string, string | null] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatisticsError) return [err.code, err.parameter];
    throw err;
  }
  throw new Error('not refused');
};

const account = (role: Account['role'], agency: string | null = null): Account => ({ user: 'u', role, agency: agency === null ? null : agencyOf(agency), passwordHash: '' });

const ref = (over: Partial<Parameters<typeof acceptedEntries>[0]> = {}): Parameters<typeof acceptedEntries>[0] => ({
  packageId: 'p1',
  kind: 'edoc',
  senderCode: G22,
  recipientCodes: [H53, H53_32],
  documentId: DOC,
  businessDocType: '0',
  relatedDocumentId: null,
  statusCode: null,
  subject: 'Về việc thử nghiệm',
  ...over,
});

describe('the document lookup', () => {
  it('writes _id parts the store can range over: #…} as they are, anything else (|, %, ~, space, Vietnamese letters) as UTF-8 %XX', () => {
    expect(keyPart('000.00.00.G22,2025/07/15,7816/VPCP-TTĐT')).toBe('000.00.00.G22,2025/07/15,7816/VPCP-TT%C4%90T');
    expect(keyPart('a|b%c~d e!"')).toBe('a%7Cb%25c%7Ed%20e%21%22');
    expect(decodeURIComponent(keyPart('Số 12/QĐ-UBND ~ 🙂'))).toBe('Số 12/QĐ-UBND ~ 🙂');
    expect(keyPart('12/qd-ubnd')).toBe('12/qd-ubnd');
    expect([...keyPart('x\u00e9y')].every((c) => c >= '#' && c < '~')).toBe(true);
  });

  it('normalises a notation: marks, đ, case and white space ignored', () => {
    expect(normaliseNotation('7816 / VPCP-TTĐT')).toBe('7816/vpcp-ttdt');
    expect(normaliseNotation('12/QĐ-UBND')).toBe(normaliseNotation('12/qd-ubnd'));
    expect(notationOf(DOC)).toBe('7816/VPCP-TTĐT');
    expect(notationOf('not-a-document-id')).toBeNull();
    expect(notationOf(null)).toBeNull();
  });

  it('enters a document under its key, its notation and its sender and day (Vietnam time), recipients as fields', () => {
    // 17:30 UTC on the 15th is the 16th in Vietnam.
    const entries = acceptedEntries(ref(), '2025-07-15T17:30:00.000Z');
    expect(entries.map((e) => e.id)).toEqual([`d:${DOC_KEY}|p1`, `n:7816/vpcp-ttdt|${DOC_KEY}`, `s:${G22}|2025-07-16|${DOC_KEY}`]);
    expect(entries[0]!.set).toEqual({ pkg: 'p1', from: G22, at: '2025-07-15T17:30:00.000Z', sub: 'Về việc thử nghiệm', doc: DOC, role: 'document', 'r.000:00:00:H53': 1, 'r.000:00:32:H53': 1 });
    expect(entries[1]!.set).toMatchObject({ doc: DOC, no: '7816/VPCP-TTĐT', from: G22 });
    expect(recipientsOf({ r: { '000:00:32:H53': 1, '000:00:00:H53': 1 } })).toEqual([H53, H53_32]);
  });

  it('enters a status only under the document it is about, and a revoke under the document it revokes too', () => {
    const status = acceptedEntries(ref({ packageId: 's1', kind: 'status', senderCode: H53, recipientCodes: [G22], statusCode: '03', businessDocType: null }), '2025-07-15T03:00:00Z');
    expect(status).toEqual([{ id: `d:${DOC_KEY}|s1`, set: expect.objectContaining({ role: 'status', st: '03', from: H53 }) }]);
    const revoke = acceptedEntries(ref({ packageId: 'r1', documentId: `${G22},2025/07/16,7817/VPCP-TTĐT`, businessDocType: '1', relatedDocumentId: DOC }), '2025-07-16T03:00:00Z');
    expect(revoke.map((e) => e.id)).toEqual([`d:${G22},2025/07/16,7817/VPCP-TT%C4%90T|r1`, `n:7817/vpcp-ttdt|${G22},2025/07/16,7817/VPCP-TT%C4%90T`, `s:${G22}|2025-07-16|${G22},2025/07/16,7817/VPCP-TT%C4%90T`, `d:${DOC_KEY}|r1`]);
    expect(revoke[0]!.set).toMatchObject({ role: 'document', change: 'revoke', rel: DOC });
    expect(revoke[3]!.set).toMatchObject({ role: 'revoke', by: `${G22},2025/07/16,7817/VPCP-TTĐT`, doc: DOC });
    // A package without a DocumentId is its own key, with no notation.
    expect(acceptedEntries(ref({ documentId: null }), '2025-07-15T03:00:00Z').map((e) => e.id)).toEqual(['d:p1|p1', `s:${G22}|2025-07-15|p1`]);
  });

  it('is what the fold writes to the documents model for an accepted package, and nothing else when it has no findings', () => {
    const life = documentLife({ packageId: 'p9', documentId: DOC, sender: G22, acceptedAt: new Date('2025-07-15T02:00:00Z'), copies: [{ recipient: H53, fetchedAfterMs: 1000, ack: 'done' }] });
    const accepted = life.find((e) => e.event.type === PackageAcceptedEvent.type)!;
    const result = foldEvent(accepted.event, { topic: 'vdx.gateway.events.v1', partition: 0, offset: '0' }, { delivery: () => undefined, agency: () => undefined });
    expect(result.writes.map((w) => [w.model, w.id])).toEqual([
      ['documents', `d:${DOC_KEY}|p9`],
      ['documents', `n:7816/vpcp-ttdt|${DOC_KEY}`],
      ['documents', `s:${G22}|2025-07-15|${DOC_KEY}`],
    ]);
    expect(result.writes.every((w) => w.update.$set !== undefined && w.update.$inc === undefined)).toBe(true);
  });

  it('marks a package refused after the edge with fields the acceptance never sets', () => {
    expect(refusedEntry({ packageId: 'p1', documentId: DOC }, 'signature-rejected', 'SIGNATURE.HASH_MISMATCH')).toEqual({ id: `d:${DOC_KEY}|p1`, set: { stage: 'signature-rejected', code: 'SIGNATURE.HASH_MISMATCH' } });
  });
});

describe('the parameters', () => {
  it('searches by one of documentId, notation or sender, as one _id range', () => {
    expect(parseDocumentSearch({ documentId: DOC }, NOW)).toMatchObject({ by: 'documentId', gte: `d:${DOC_KEY}|`, lt: `d:${DOC_KEY}|~`, limit: 20, documentId: DOC });
    expect(parseDocumentSearch({ notation: '7816/VPCP-TTĐT', limit: '5' }, NOW)).toMatchObject({ by: 'notation', gte: 'n:7816/vpcp-ttdt', lt: 'n:7816/vpcp-ttdt~', limit: 5 });
    expect(parseDocumentSearch({ sender: G22, from: '2025-07-01', to: '2025-07-15' }, NOW)).toMatchObject({ by: 'sender', gte: `s:${G22}|2025-07-01|`, lt: `s:${G22}|2025-07-15|~` });
    // By default the last 31 days up to today (Vietnam).
    expect(parseDocumentSearch({ sender: G22 }, NOW)).toMatchObject({ gte: `s:${G22}|2025-06-20|`, lt: `s:${G22}|2025-07-20|~` });
    expect(parseDocumentSearch({ notation: '7816', after: 'n:7816/vpcp-ttdt|x' }, NOW).after).toBe('n:7816/vpcp-ttdt|x');
  });

  it('refuses every bad search with its code and parameter', () => {
    const cases: [Record<string, unknown>, string, string | null][] = [
      [{}, 'STATISTICS.BAD_SEARCH', null],
      [{ documentId: DOC, sender: G22 }, 'STATISTICS.BAD_SEARCH', 'sender'],
      [{ notation: '   ' }, 'STATISTICS.BAD_SEARCH', 'notation'],
      [{ notation: 'x'.repeat(61) }, 'STATISTICS.BAD_SEARCH', 'notation'],
      [{ documentId: 'a|b' }, 'STATISTICS.BAD_DOCUMENT_ID', 'documentId'],
      [{ documentId: 'x'.repeat(301) }, 'STATISTICS.BAD_DOCUMENT_ID', 'documentId'],
      [{ sender: 'H53' }, 'STATISTICS.BAD_AGENCY', 'sender'],
      [{ sender: G22, from: '2025-13-01' }, 'STATISTICS.BAD_DATE', 'from'],
      [{ sender: G22, from: '2025-07-15', to: '2025-07-01' }, 'STATISTICS.BAD_RANGE', 'to'],
      [{ sender: G22, from: '2023-01-01', to: '2025-07-01' }, 'STATISTICS.RANGE_TOO_LONG', 'to'],
      [{ notation: '1', from: '2025-07-01' }, 'STATISTICS.BAD_PARAMETER', 'from'],
      [{ notation: '1', limit: '101' }, 'STATISTICS.BAD_LIMIT', 'limit'],
      [{ notation: '1', after: 's:other' }, 'STATISTICS.BAD_PARAMETER', 'after'],
      [{ notation: ['1', '2'] }, 'STATISTICS.BAD_PARAMETER', 'notation'],
      [{ notation: '1', agency: H53 }, 'STATISTICS.BAD_PARAMETER', 'agency'],
    ];
    for (const [raw, code, parameter] of cases) expect([raw, refusal(() => parseDocumentSearch(raw, NOW))]).toEqual([raw, [code, parameter]]);
  });

  it('takes a trace by documentId, dead letters by page, a redrive by its delivery id', () => {
    expect(parseTraceQuery({ documentId: DOC })).toBe(DOC);
    expect(refusal(() => parseTraceQuery({}))).toEqual(['STATISTICS.BAD_DOCUMENT_ID', 'documentId']);
    expect(refusal(() => parseTraceQuery({ documentId: DOC, limit: '1' }))).toEqual(['STATISTICS.BAD_PARAMETER', 'limit']);
    expect(parseDeadLetterQuery({})).toEqual({ limit: 50, after: null });
    expect(parseDeadLetterQuery({ limit: '10', after: `p1/${H53}` })).toEqual({ limit: 10, after: `p1/${H53}` });
    expect(refusal(() => parseDeadLetterQuery({ limit: '0' }))).toEqual(['STATISTICS.BAD_LIMIT', 'limit']);
    expect(refusal(() => parseDeadLetterQuery({ after: 'no-slash' }))).toEqual(['STATISTICS.BAD_DELIVERY_ID', 'after']);
    expect(parseRedriveBody({ deliveryId: `p1/${H53}` })).toBe(`p1/${H53}`);
    for (const body of [null, [], 'p1/x', {}, { deliveryId: 'p1' }, { deliveryId: `p1/${H53}`, operator: 'me' }, { deliveryId: 42 }]) {
      expect([body, refusal(() => parseRedriveBody(body))]).toEqual([body, ['STATISTICS.BAD_DELIVERY_ID', 'deliveryId']]);
    }
  });
});

describe('who sees and who redrives', () => {
  it('shows the central office and viewers everything, an agency admin what touches its subtree', () => {
    expect(seesAny(account('central-office'), [H40])).toBe(true);
    expect(seesAny(account('viewer'), [])).toBe(true);
    expect(seesAny(null, [])).toBe(true);
    const admin = account('agency-admin', H53);
    expect(seesAny(admin, [G22, H53_32])).toBe(true);
    expect(seesAny(admin, [G22, H40, null, 'not a code'])).toBe(false);
  });

  it('lets only the central office redrive (403 ROLE_FORBIDDEN), and anyone when no accounts are configured', () => {
    expect(() => authorizeRedrive(account('central-office'))).not.toThrow();
    expect(() => authorizeRedrive(null)).not.toThrow();
    expect(refusal(() => authorizeRedrive(account('agency-admin', H53)))).toEqual(['STATISTICS.ROLE_FORBIDDEN', null]);
    expect(refusal(() => authorizeRedrive(account('viewer')))).toEqual(['STATISTICS.ROLE_FORBIDDEN', null]);
  });
});
