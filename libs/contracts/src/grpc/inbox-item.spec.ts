import { packageRefWith } from '../test-fixtures';
import { inboxItemOf, inboxItemOfMessage } from './inbox-item';
import type { deliveryV1 } from './index';

const ref = packageRefWith({
  packageId: 'p1',
  senderCode: '000.00.00.G22',
  systemId: 'qlvb-vpcp',
  recipientCodes: ['000.00.00.H53'],
  documentId: '000.00.00.G22,2026/12/04,7/VPCP',
  businessDocType: '0',
  subject: 'Công văn',
  bodySize: 812,
  acceptedAt: '2026-12-04T02:00:00.000Z',
  signatureVerdict: 'valid',
});

describe('inbox items', () => {
  it('builds one from a delivery with its package: absent fields empty, as proto3 sends them', () => {
    const item = inboxItemOf({ deliveryId: 'p1/000.00.00.H53', recipientCode: '000.00.00.H53', state: 'queued', queuedAt: '2026-12-04T02:00:01.000Z', route: 'successor', via: ['000.00.00.H99'], package: { ...ref, signatureVerdict: null } });
    expect(item).toEqual({
      deliveryId: 'p1/000.00.00.H53',
      packageId: 'p1',
      kind: 'edoc',
      senderCode: '000.00.00.G22',
      recipientCode: '000.00.00.H53',
      documentId: '000.00.00.G22,2026/12/04,7/VPCP',
      statusCode: '',
      subject: 'Công văn',
      state: 'queued',
      queuedAt: '2026-12-04T02:00:01.000Z',
      bodySize: 812,
      bodySha256: 'a'.repeat(64),
      route: 'successor',
      routeVia: ['000.00.00.H99'],
      signatureVerdict: '',
    });
  });

  it('takes exactly its fields from a delivery.v1 Delivery, and copies the route list', () => {
    const item = inboxItemOf({ deliveryId: 'p1/000.00.00.H53', recipientCode: '000.00.00.H53', state: 'fetched', queuedAt: '2026-12-04T02:00:01.000Z', route: 'direct', via: [], package: ref });
    const message = { ...item, systemId: 'qlvb-tayninh', attempts: 2, lastError: 'UNAVAILABLE', deadline: '2026-12-05T10:00:00.000Z' } as unknown as deliveryV1.Delivery;
    const fromMessage = inboxItemOfMessage(message);
    expect(fromMessage).toEqual(item);
    expect(fromMessage.routeVia).not.toBe(message.routeVia);
  });
});
