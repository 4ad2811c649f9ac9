import { parseEdxml } from '@vdx/edxml';
import {
  DEMO_SYSTEMS,
  DEMO_TRAFFIC_AGENCIES,
  DemoError,
  DOCUMENTS_PER_DAY,
  OFFICE_HOURS,
  REFUSAL_CODES,
  STATUS_SEQUENCES,
  demoAgency,
  documentBody,
  documentIdOf,
  planTraffic,
  refusalBody,
  resolveOptions,
  shareOf,
  statusBody,
  type TrafficOptions,
} from './demo-plan';

const ctx = { runTag: 'T1', date: '2026/12/03' };

describe('the demo directory', () => {
  it('lists parents before their units, and serves every agency by a system of the list', () => {
    const seen = new Set<string>();
    for (const a of DEMO_TRAFFIC_AGENCIES) {
      const [l4, l3, l2, l1] = a.code.split('.');
      const parent = l4 !== '000' ? `000.${l3}.${l2}.${l1}` : l3 !== '00' ? `000.00.${l2}.${l1}` : l2 !== '00' ? `000.00.00.${l1}` : null;
      if (parent) expect(seen.has(parent)).toBe(true);
      seen.add(a.code);
      expect(DEMO_SYSTEMS.map((s) => s.systemId)).toContain(a.servedBy);
      if (a.systemId === null) expect(demoAgency(parent!).servedBy).toBe(a.servedBy);
    }
    expect(DEMO_TRAFFIC_AGENCIES.map((a) => a.kind).sort()).toEqual(['ministry', 'ministry', 'ministry', 'ministry', 'province', 'province', 'province', 'province', 'unit', 'unit', 'unit', 'unit', 'unit']);
    // The agencies and systems npm start seeds are the same ones.
    expect(DEMO_SYSTEMS).toEqual(expect.arrayContaining([{ systemId: 'demo-vpcp', code: '000.00.00.G22' }, { systemId: 'demo-tayninh', code: '000.00.00.H53' }]));
    expect(demoAgency('000.00.32.H53').servedBy).toBe('demo-tayninh');
    expect(() => demoAgency('000.00.00.H99')).toThrow('not an agency of the demo directory');
  });
});

describe('planTraffic', () => {
  const options: TrafficOptions = { days: 1, documents: 200, seed: 7 };

  it('is the same plan for the same options and seed, and another for another seed', () => {
    expect(planTraffic(options)).toEqual(planTraffic(options));
    expect(planTraffic({ ...options, seed: 8 }).documents.map((d) => d.sender)).not.toEqual(planTraffic(options).documents.map((d) => d.sender));
  });

  it('plans exactly the documents asked for, and the default of 24 per day', () => {
    expect(planTraffic(options).totals.documents).toBe(200);
    expect(planTraffic({ days: 3, seed: 1 }).totals.documents).toBe(3 * DOCUMENTS_PER_DAY);
    expect(planTraffic({ days: 1, seed: 1 }).totals.documents).toBe(24);
  });

  it('gives exactly the shares asked for: late and failed copies, refusals, urgent and invalidly signed documents', () => {
    const plan = planTraffic({ ...options, lateShare: 0.2, refusedShare: 0.1, invalidSignatureShare: 0.25, urgentShare: 0.15, failedShare: 0.1 });
    const copies = plan.documents.flatMap((d) => d.copies);
    expect(plan.totals.copies).toBe(copies.length);
    expect(copies.filter((c) => c.fate === 'late')).toHaveLength(Math.round(copies.length * 0.2));
    expect(copies.filter((c) => c.fate === 'failed')).toHaveLength(Math.round((copies.length - plan.totals.late) * 0.1));
    expect(plan.refusals).toHaveLength(20);
    expect(plan.documents.filter((d) => d.signature === 'invalid')).toHaveLength(50);
    expect(plan.documents.filter((d) => d.priority !== '0')).toHaveLength(30);
    expect(plan.totals).toMatchObject({ documents: 200, refusals: 20, urgent: 30, invalidSignature: 50, unsigned: 150, late: plan.totals.late, takenIn: copies.length - plan.totals.late - plan.totals.failed });
    // Every refusal code in turn.
    expect(new Set(plan.refusals.map((r) => r.code))).toEqual(new Set(REFUSAL_CODES));
    for (const code of REFUSAL_CODES) expect(plan.refusals.filter((r) => r.code === code)).toHaveLength(4);
  });

  it('keeps "a few" at least one, and none at a share of zero', () => {
    expect(shareOf(10, 0.01)).toBe(1);
    expect(shareOf(10, 0)).toBe(0);
    expect(shareOf(0, 0.5)).toBe(0);
    expect(shareOf(3, 1)).toBe(3);
    const none = planTraffic({ days: 1, documents: 10, seed: 3, lateShare: 0, refusedShare: 0, invalidSignatureShare: 0, urgentShare: 0, failedShare: 0 });
    expect(none.totals).toMatchObject({ late: 0, failed: 0, refusals: 0, invalidSignature: 0, urgent: 0, unsigned: 10 });
    expect(none.totals.takenIn).toBe(none.totals.copies);
  });

  it('sends from ministries, provinces and units, to one to four other agencies, each copy read by the system serving its recipient', () => {
    const plan = planTraffic(options);
    const kinds = new Set(plan.documents.map((d) => demoAgency(d.sender).kind));
    expect(kinds).toEqual(new Set(['ministry', 'province', 'unit']));
    expect(new Set(plan.documents.flatMap((d) => d.recipients.map((r) => demoAgency(r).kind)))).toEqual(new Set(['ministry', 'province', 'unit']));
    for (const d of plan.documents) {
      expect(d.recipients.length).toBeGreaterThanOrEqual(1);
      expect(d.recipients.length).toBeLessThanOrEqual(4);
      expect(d.recipients).not.toContain(d.sender);
      expect(new Set(d.recipients).size).toBe(d.recipients.length);
      expect(d.system).toBe(demoAgency(d.sender).servedBy);
      expect(d.copies.map((c) => [c.recipient, c.system])).toEqual(d.recipients.map((r) => [r, demoAgency(r).servedBy]));
    }
  });

  it('puts every send in an office hour, in bursts ordered by day and hour, heavier at the peaks', () => {
    const plan = planTraffic({ days: 3, documents: 600, seed: 11 });
    const hours = OFFICE_HOURS.map((h) => h.hour);
    const keys = plan.bursts.map((b) => b.day * 100 + b.hour);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(new Set(keys).size).toBe(keys.length);
    for (const b of plan.bursts) {
      expect(hours).toContain(b.hour);
      expect(b.day).toBeGreaterThanOrEqual(1);
      expect(b.day).toBeLessThanOrEqual(3);
      for (const s of b.sends) expect([s.day, s.hour]).toEqual([b.day, b.hour]);
    }
    const sends = plan.bursts.flatMap((b) => b.sends);
    expect(sends.map((s) => s.seq)).toEqual(sends.map((_, i) => i + 1));
    expect(sends).toHaveLength(600 + plan.totals.refusals);
    const at = (hour: number) => sends.filter((s) => s.hour === hour).length;
    expect(at(12)).toBe(0);
    expect(at(9)).toBeGreaterThan(at(13) * 2);
    expect(at(14)).toBeGreaterThan(at(16));
    expect(new Set(sends.map((s) => s.day))).toEqual(new Set([1, 2, 3]));
  });

  it('sends statuses back only for copies taken in, each a sequence routing accepts (01 first)', () => {
    const plan = planTraffic(options);
    const allowed = STATUS_SEQUENCES.map((s) => s.codes.join(','));
    for (const c of plan.documents.flatMap((d) => d.copies)) {
      if (c.fate === 'taken-in') expect(allowed).toContain(c.statuses.join(','));
      else expect(c.statuses).toEqual([]);
    }
    expect(plan.totals.statuses).toBe(plan.documents.flatMap((d) => d.copies).reduce((n, c) => n + c.statuses.length, 0));
  });

  it.each<[Partial<TrafficOptions>, string]>([
    [{ days: 0 }, 'days'],
    [{ days: 31 }, 'days'],
    [{ days: 1.5 }, 'days'],
    [{ documents: 0 }, 'documents'],
    [{ documents: 5001 }, 'documents'],
    [{ seed: Number.NaN }, 'seed'],
    [{ lateShare: -0.1 }, 'lateShare'],
    [{ refusedShare: 1.5 }, 'refusedShare'],
    [{ invalidSignatureShare: Number.NaN }, 'invalidSignatureShare'],
    [{ urgentShare: 2 }, 'urgentShare'],
    [{ failedShare: -1 }, 'failedShare'],
  ])('refuses %j with DEMO.BAD_ARGUMENTS naming %s', (bad, path) => {
    const call = () => resolveOptions({ ...options, ...bad });
    expect(call).toThrow(DemoError);
    try {
      call();
    } catch (err) {
      expect(err).toMatchObject({ code: 'DEMO.BAD_ARGUMENTS', path });
      expect((err as Error).message).toContain(path);
    }
  });
});

describe('the bodies', () => {
  const plan = planTraffic({ days: 1, documents: 40, seed: 5, invalidSignatureShare: 0.5, urgentShare: 0.5 });

  it('builds each document as edXML from its sender to its recipients, with its priority, and a signature block only when planned', () => {
    for (const d of plan.documents) {
      const built = documentBody(d, ctx);
      expect(built).toMatchObject({ kind: 'edoc', senderCode: d.sender, documentId: documentIdOf(d, ctx) });
      expect(built.documentId).toBe(`${d.sender},2026/12/03,${d.seq}/${demoAgency(d.sender).notation}-DMT1`);
      const parsed = parseEdxml(built.body);
      expect(parsed.package.kind).toBe('edoc');
      if (parsed.package.kind !== 'edoc') continue;
      expect(parsed.package.header.from?.organId).toBe(d.sender);
      expect(parsed.package.header.to.map((t) => t.organId)).toEqual(d.recipients);
      expect(parsed.package.header.otherInfo?.priority).toBe(d.priority);
      expect(parsed.package.signature !== undefined).toBe(d.signature === 'invalid');
      const codes = parsed.findings.map((f) => f.code);
      expect(codes.includes('EDXML.PLACEHOLDER_SIGNATURE')).toBe(d.signature === 'invalid');
      expect(parsed.findings.filter((f) => f.severity === 'error')).toEqual([]);
    }
    expect(documentBody(plan.documents[0]!, ctx).body).toEqual(documentBody(plan.documents[0]!, ctx).body);
  });

  it('builds statuses about the document, from the recipient to its issuer', () => {
    const d = plan.documents[0]!;
    const s = statusBody(d, d.recipients[0]!, '03', ctx);
    expect(s).toMatchObject({ kind: 'status', senderCode: d.recipients[0], documentId: documentIdOf(d, ctx) });
    const parsed = parseEdxml(s.body);
    expect(parsed.package.kind).toBe('status');
    if (parsed.package.kind === 'status') {
      expect(parsed.package.header.statusCode).toBe('03');
      expect(parsed.package.header.responseFor?.organId).toBe(d.sender);
      expect(parsed.package.header.responseFor?.documentId).toBe(documentIdOf(d, ctx));
    }
  });

  it('builds each refusal as the bad package its code names', () => {
    const refusals = planTraffic({ days: 1, documents: 50, seed: 2, refusedShare: 0.1 }).refusals;
    expect(refusals.map((r) => r.code).sort()).toEqual([...REFUSAL_CODES].sort());
    for (const r of refusals) {
      const built = refusalBody(r, ctx);
      expect(built.senderCode).toBe(r.sender);
      switch (r.code) {
        case 'EDXML.MALFORMED_XML':
          expect(() => parseEdxml(built.body)).toThrow(expect.objectContaining({ code: 'EDXML.MALFORMED_XML' }));
          break;
        case 'EXCHANGE.NO_RECIPIENTS': {
          const p = parseEdxml(built.body).package;
          expect(p.kind === 'edoc' && p.header.to).toEqual([]);
          break;
        }
        case 'EXCHANGE.SENDER_MISMATCH': {
          const p = parseEdxml(built.body).package;
          const from = p.kind === 'edoc' ? (p.header.from?.organId ?? '') : '';
          expect(from).not.toBe(r.sender);
          expect(demoAgency(from).servedBy).not.toBe(r.system);
          break;
        }
        case 'EXCHANGE.INVALID_PACKAGE':
          expect(built.kind).toBe('status');
          expect(parseEdxml(built.body).findings.map((f) => f.code)).toContain('EDXML.UNKNOWN_STATUS_CODE');
          break;
        case 'EXCHANGE.KIND_MISMATCH':
          expect([built.kind, parseEdxml(built.body).package.kind]).toEqual(['status', 'edoc']);
          break;
      }
    }
  });
});
