import { EventCodec } from '../../envelope/event-codec';
import { createEvent } from '../../envelope/create-event';
import type { EventDefinition } from '../catalogue';
import { catalogue } from '../registry';
import { PackageAcceptedEvent, PackageRejectedEvent } from './package-events';
import { packageRefWith } from '../../test-fixtures';
import { PackageRoutedEvent, RoutingRejectedEvent } from './routing-events';
import { SignatureRecheckedEvent, SignatureRejectedEvent, SignatureVerifiedEvent } from './signature-events';

const ref = packageRefWith({
  packageId: '0193a1b2-0000-7000-8000-000000000001',
  senderCode: '000.00.00.H53',
  systemId: 'qlvb-tayninh',
  recipientCodes: ['000.00.00.G22', '000.00.32.H53'],
  documentId: '000.00.00.H53,2026/11/30,12/UBND-VP',
  businessDocType: '0',
  subject: 'Về việc thử nghiệm',
  priority: '0',
  bodySize: 12_345_678_901,
  signatureVerdict: 'valid',
});
const finding = { code: 'EDXML.LENGTH', path: 'edXML/…/Subject', severity: 'warning', message: 'too long' };
const checks = [{ name: 'body-hash', result: 'passed', detail: '' }];
const evidence = { sha256: 'e'.repeat(64), size: 48_213, contentType: 'application/vnd.vdx.signature-evidence+json' };
const payloads: [EventDefinition<never>, unknown][] = [
  [
    PackageAcceptedEvent as EventDefinition<never>,
    { ...ref, acceptedAt: undefined, signatureVerdict: undefined, attachments: [{ contentId: 'cid:1', name: 'a.pdf', contentType: 'application/pdf', size: 3, sha256: 'b'.repeat(64) }], warnings: [finding], idempotencyKey: 'k', clientRef: null },
  ],
  [PackageRejectedEvent as EventDefinition<never>, { packageId: ref.packageId, senderCode: null, systemId: 's', errorCode: 'EDXML.DTD_FORBIDDEN', reason: 'r', findings: [finding], bodySha256: null, bodySize: 0, clientRef: 'c' }],
  [SignatureVerifiedEvent as EventDefinition<never>, { package: ref, checks, cryptographic: 'not-performed', verifier: 'integrity/1', evidence: null }],
  [SignatureVerifiedEvent as EventDefinition<never>, { package: ref, checks, cryptographic: 'valid', verifier: 'cryptographic/1', evidence }],
  [SignatureRejectedEvent as EventDefinition<never>, { package: ref, checks, errorCode: 'SIGNATURE.BODY_HASH_MISMATCH', reason: 'r', verifier: 'integrity/1', evidence: null }],
  [SignatureRejectedEvent as EventDefinition<never>, { package: ref, checks, errorCode: 'SIGNATURE.CRYPTOGRAPHIC_INVALID', reason: 'r', verifier: 'cryptographic/1', evidence }],
  [SignatureRecheckedEvent as EventDefinition<never>, { package: ref, checks, cryptographic: 'valid', verifier: 'cryptographic/1', supersedes: '0193a1b2-0000-7000-8000-0000000000aa', previousCryptographic: 'unknown', previousDecree30: false, operator: 'cli:root', evidence }],
  [
    PackageRoutedEvent as EventDefinition<never>,
    {
      package: ref,
      deliveries: [{ deliveryId: `${ref.packageId}/000.00.00.G22`, requestedCode: '000.00.00.G22', recipientCode: '000.00.00.G22', deliverToCode: '000.00.00.G22', systemId: 'qlvb-vpcp', endpoint: null, route: 'direct', via: [] }],
      unroutable: [{ requestedCode: '000.00.99.H53', errorCode: 'ROUTING.UNKNOWN_RECIPIENT', reason: 'r' }],
    },
  ],
  [RoutingRejectedEvent as EventDefinition<never>, { package: ref, errorCode: 'ROUTING.NO_RECIPIENT', reason: 'r', unroutable: [] }],
];

describe('exchange events', () => {
  const codec = new EventCodec(catalogue);
  it.each(payloads.map(([def, payload]) => [def.type, def, payload] as const))('%s survives encode → decode', (_, def, payload) => {
    const clean = JSON.parse(JSON.stringify(payload)) as never;
    const event = createEvent(def, { aggregateId: ref.packageId, aggregateSeq: 1, payload: clean, actor: { kind: 'system', id: 'test' }, correlationId: ref.packageId });
    const encoded = codec.encode(event);
    expect(codec.decode(encoded.value, encoded.headers).payload).toEqual(clean);
  });
});
