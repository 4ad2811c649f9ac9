import { PackageRoutedEvent } from '@vdx/contracts';
import { parseAgencyCodeOrThrow } from '@vdx/agency-code';
import type { AgencySnapshot } from '@vdx/contracts';
import fc from 'fast-check';
import { routePackage } from './route-package';
import { routeRecipients } from './route-recipients';
import { ROUTING_ERROR_CODES } from './routing-error';
import { agency, edoc, FakeDirectory, FakeDocuments } from './test-fixtures/routing';

// Two provinces with departments and units, plus a merged province, so random directories hit
// hubs, successor chains (and cycles), suspensions and missing parents often.
const CODES = [
  '000.00.00.H53', '000.00.32.H53', '000.20.32.H53', '000.21.32.H53', '000.00.18.H53', '000.01.18.H53',
  '000.00.00.H40', '000.00.05.H40', '000.00.00.H41',
];
const REQUESTABLE = [...CODES, '000.00.00.H99', '000.00.00.h53', 'garbage', ''];

const snapshot: fc.Arbitrary<AgencySnapshot> = fc
  .record({
    code: fc.constantFrom(...CODES),
    status: fc.constantFrom('active', 'active', 'suspended', 'retired') as fc.Arbitrary<AgencySnapshot['status']>,
    successorCode: fc.option(fc.constantFrom(...CODES, '000.00.00.H99'), { nil: null }),
    systems: fc.constantFrom<readonly string[]>([], [], ['qlvb'], ['zeta', 'alpha']),
  })
  .map(({ code, status, successorCode, systems }) => agency(code, { status, successorCode: status === 'retired' ? successorCode : null, systems }));

const directory = fc.uniqueArray(snapshot, { selector: (a) => a.code, maxLength: CODES.length }).map((agencies) => new FakeDirectory(agencies));
const requested = fc.array(fc.constantFrom(...REQUESTABLE), { maxLength: 8 });

describe('routing properties', () => {
  it('delivers only to connected hubs at or above the recipient, once each, and loses no requested code', () => {
    fc.assert(
      fc.property(directory, requested, (dir, codes) => {
        const { deliveries, unroutable, merged } = routeRecipients('pkg', codes, dir);

        for (const d of deliveries) {
          const hub = dir.get(d.deliverToCode);
          expect(hub?.status).toBe('active');
          expect(hub?.systems.map((s) => s.systemId)).toContain(d.systemId);
          const recipient = parseAgencyCodeOrThrow(d.recipientCode);
          const deliverTo = parseAgencyCodeOrThrow(d.deliverToCode);
          expect(deliverTo.equals(recipient) || deliverTo.isAncestorOf(recipient)).toBe(true);
          expect(d.deliveryId).toBe(`pkg/${d.recipientCode}`);
          if (d.route.endsWith('ancestor')) expect(d.via[d.via.length - 1]).toBe(d.deliverToCode);
          if (d.route.startsWith('successor')) expect(d.via[0]).toBe(d.requestedCode);
        }
        expect(new Set(deliveries.map((d) => d.deliveryId)).size).toBe(deliveries.length);

        const delivered = deliveries.map((d) => d.requestedCode);
        const failed = unroutable.map((u) => u.requestedCode);
        const folded = merged.map((m) => m.requestedCode);
        const accounted = [...delivered, ...failed, ...folded];
        expect(accounted).toHaveLength(new Set(codes).size);
        expect(new Set(accounted)).toEqual(new Set(codes));
        for (const m of merged) expect(deliveries.map((d) => d.deliveryId)).toContain(m.deliveryId);
        for (const u of unroutable) expect(ROUTING_ERROR_CODES).toContain(u.errorCode);

        const decision = routePackage(edoc(codes, { packageId: 'pkg' }), dir, new FakeDocuments());
        if (decision.type === PackageRoutedEvent.type) {
          expect(decision.payload.deliveries).toEqual(deliveries);
          expect(decision.payload.unroutable).toEqual(unroutable);
        } else {
          expect(deliveries).toEqual([]);
          expect(decision.payload.unroutable).toEqual(unroutable);
        }
      }),
      { numRuns: 500 },
    );
  });
});
