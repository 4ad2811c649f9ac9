import type { RoutedDocument } from './ports';
import { statusAfter } from './document-after';
import { ROUTING_ERROR_CODES, RoutingErrorCode } from './routing-error';
import { PACKAGE_ROUTED } from './decision';
import { agency, DEPARTMENT, edoc, OTHER_PROVINCE, PROVINCE, registry, rejectedWith, routing, status, UNIT } from './test-fixtures/routing';

const world = [agency(PROVINCE, { systems: ['hub'] }), agency(DEPARTMENT), agency(UNIT), agency(OTHER_PROVINCE, { systems: ['qlvb'] })];
// doc-1 was sent by the province to the unit and the other province.
const sent: RoutedDocument = { documentId: 'doc-1', senderCode: PROVINCE, recipientCodes: [UNIT, OTHER_PROVINCE] };

describe('routing new documents', () => {
  it('routes every recipient of a new document', () => {
    const { deliveries, unroutable } = routing(world).given().when(edoc([UNIT, OTHER_PROVINCE])).thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries.map((d) => d.recipientCode)).toEqual([UNIT, OTHER_PROVINCE]);
    expect(unroutable).toEqual([]);
  });

  it('reads a null businessDocType as a new document', () => {
    routing(world).given().when(edoc([OTHER_PROVINCE], { businessDocType: null })).thenOne(PACKAGE_ROUTED);
  });

  it('routes partially: one unknown and one good recipient give PackageRouted listing the unknown one', () => {
    const { deliveries, unroutable } = routing(world).given().when(edoc(['000.00.00.H99', OTHER_PROVINCE])).thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries.map((d) => d.recipientCode)).toEqual([OTHER_PROVINCE]);
    expect(unroutable).toEqual([{ requestedCode: '000.00.00.H99', errorCode: RoutingErrorCode.UNKNOWN_RECIPIENT, reason: expect.any(String) }]);
  });

  it('rejects with NO_RECIPIENT, listing every unroutable code, when no recipient can be reached', () => {
    const rejected = routing(world).given().when(edoc(['000.00.00.H99', 'bad'])).then(rejectedWith(RoutingErrorCode.NO_RECIPIENT))[0]!.payload;
    expect(rejected.unroutable.map((u) => [u.requestedCode, u.errorCode])).toEqual([
      ['000.00.00.H99', RoutingErrorCode.UNKNOWN_RECIPIENT],
      ['bad', RoutingErrorCode.MALFORMED_RECIPIENT],
    ]);
  });

  it('rejects a package naming no recipient with NO_RECIPIENT', () => {
    const rejected = routing(world).given().when(edoc([])).then(rejectedWith(RoutingErrorCode.NO_RECIPIENT))[0]!.payload;
    expect(rejected.unroutable).toEqual([]);
  });
});

describe.each([
  ['1', 'revoke'],
  ['2', 'update'],
  ['3', 'replace'],
])('routing a %s (%s) of a document', (businessDocType) => {
  const followUp = (senderCode: string, relatedDocumentId: string | null = 'doc-1') =>
    edoc([OTHER_PROVINCE, '000.00.00.H99'], { packageId: 'pkg-2', documentId: 'doc-2', businessDocType, relatedDocumentId, senderCode });

  it('routes the named recipients when the sender issued the related document', () => {
    const { deliveries, unroutable } = routing(world).givenState(registry(sent)).when(followUp(PROVINCE)).thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries.map((d) => d.deliveryId)).toEqual([`pkg-2/${OTHER_PROVINCE}`]);
    expect(unroutable.map((u) => u.requestedCode)).toEqual(['000.00.00.H99']);
  });

  it('rejects with NOT_THE_SENDER when another agency issued the related document', () => {
    routing(world).givenState(registry(sent)).when(followUp(OTHER_PROVINCE)).then(rejectedWith(RoutingErrorCode.NOT_THE_SENDER));
  });

  it('rejects with UNKNOWN_DOCUMENT when the related document was never routed', () => {
    routing(world).givenState(registry(sent)).when(followUp(PROVINCE, 'doc-unknown')).then(rejectedWith(RoutingErrorCode.UNKNOWN_DOCUMENT));
  });

  it('rejects with UNKNOWN_DOCUMENT when no related document is named', () => {
    routing(world).givenState(registry(sent)).when(followUp(PROVINCE, null)).then(rejectedWith(RoutingErrorCode.UNKNOWN_DOCUMENT));
  });
});

describe('routing recipient statuses', () => {
  const recalled: RoutedDocument = { ...sent, progress: { [OTHER_PROVINCE]: { last: '03', recall: 'requested' } } };
  it.each([
    ['01', sent],
    ['02', sent],
    ['03', sent],
    ['04', sent],
    ['05', sent],
    ['06', sent],
    ['15', recalled],
    ['16', recalled],
  ] as const)('routes status %s from a recipient back to the sender', (code, document) => {
    const { deliveries, unroutable } = routing(world).givenState(registry(document)).when(status(code, OTHER_PROVINCE)).thenOne(PACKAGE_ROUTED).payload;
    expect(unroutable).toEqual([]);
    expect(deliveries).toEqual([
      expect.objectContaining({ deliveryId: `pkg-1/${PROVINCE}`, requestedCode: PROVINCE, recipientCode: PROVINCE, route: 'direct' }),
    ]);
  });

  it('routes to the document sender even when the status names someone else', () => {
    const { deliveries } = routing(world).givenState(registry(sent)).when(status('03', UNIT, 'doc-1', { recipientCodes: [OTHER_PROVINCE] })).thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries.map((d) => d.recipientCode)).toEqual([PROVINCE]);
  });

  it('rejects a status from an agency that never received the document with NOT_A_RECIPIENT', () => {
    routing(world).givenState(registry(sent)).when(status('03', DEPARTMENT)).then(rejectedWith(RoutingErrorCode.NOT_A_RECIPIENT));
  });

  it('rejects a status about an unknown document with UNKNOWN_DOCUMENT', () => {
    routing(world).givenState(registry(sent)).when(status('03', OTHER_PROVINCE, 'doc-unknown')).then(rejectedWith(RoutingErrorCode.UNKNOWN_DOCUMENT));
    routing(world).givenState(registry(sent)).when(status('03', OTHER_PROVINCE, null)).then(rejectedWith(RoutingErrorCode.UNKNOWN_DOCUMENT));
  });

  it('rejects with NO_RECIPIENT when the document sender can no longer be reached', () => {
    const rejected = routing([agency(OTHER_PROVINCE, { systems: ['qlvb'] }), agency(PROVINCE, { status: 'suspended' })])
      .givenState(registry(sent))
      .when(status('03', OTHER_PROVINCE))
      .then(rejectedWith(RoutingErrorCode.NO_RECIPIENT))[0]!.payload;
    expect(rejected.unroutable).toEqual([{ requestedCode: PROVINCE, errorCode: RoutingErrorCode.RECIPIENT_SUSPENDED, reason: expect.any(String) }]);
  });
});

describe('the registry routing builds from its own decisions', () => {
  it('registers a routed document and moves its recipients on with their statuses', () => {
    const routed = routing(world).given().when(edoc([UNIT, OTHER_PROVINCE])).thenOne(PACKAGE_ROUTED);
    routing(world).given().when(edoc([UNIT, OTHER_PROVINCE])).thenState(registry(sent));
    const reported = routing(world).given([routed]).when(status('03', OTHER_PROVINCE)).thenOne(PACKAGE_ROUTED);
    routing(world)
      .given([routed, reported])
      .when(status('13', PROVINCE))
      .thenState(registry({ ...sent, progress: { [OTHER_PROVINCE]: { last: '03', recall: 'requested' }, [UNIT]: { last: null, recall: 'requested' } } }));
    routing(world).given([routed, reported]).when(status('02', OTHER_PROVINCE)).then(rejectedWith(RoutingErrorCode.IMPOSSIBLE_TRANSITION));
  });
});

describe('routing recall requests (status 13)', () => {
  it('routes a recall by the sender to every recipient of the document', () => {
    const { deliveries } = routing(world).givenState(registry(sent)).when(status('13', PROVINCE)).thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries.map((d) => [d.recipientCode, d.deliverToCode, d.route])).toEqual([
      [UNIT, PROVINCE, 'ancestor'],
      [OTHER_PROVINCE, OTHER_PROVINCE, 'direct'],
    ]);
  });

  it('rejects a recall by anyone else with NOT_THE_SENDER', () => {
    routing(world).givenState(registry(sent)).when(status('13', OTHER_PROVINCE)).then(rejectedWith(RoutingErrorCode.NOT_THE_SENDER));
  });

  it('rejects a recall of an unknown document with UNKNOWN_DOCUMENT', () => {
    routing(world).givenState(registry(sent)).when(status('13', PROVINCE, 'doc-unknown')).then(rejectedWith(RoutingErrorCode.UNKNOWN_DOCUMENT));
  });
});

describe('unsupported packages', () => {
  it.each([
    ['an unknown kind', edoc([OTHER_PROVINCE], { kind: 'receipt' })],
    ['an unknown business document type', edoc([OTHER_PROVINCE], { businessDocType: '9' })],
    ['an unknown status code', status('07', OTHER_PROVINCE)],
    ['a status without a code', status('03', OTHER_PROVINCE, 'doc-1', { statusCode: null })],
  ])('rejects %s with UNSUPPORTED_PACKAGE', (_label, ref) => {
    routing(world).givenState(registry(sent)).when(ref).then(rejectedWith(RoutingErrorCode.UNSUPPORTED_PACKAGE));
  });
});

describe('ROUTING_ERROR_CODES', () => {
  it('lists every routing error code', () => {
    expect([...ROUTING_ERROR_CODES].sort()).toEqual(
      [
        'ROUTING.MALFORMED_RECIPIENT',
        'ROUTING.UNKNOWN_RECIPIENT',
        'ROUTING.RETIRED_WITHOUT_SUCCESSOR',
        'ROUTING.RECIPIENT_SUSPENDED',
        'ROUTING.NOT_CONNECTED',
        'ROUTING.NO_RECIPIENT',
        'ROUTING.UNKNOWN_DOCUMENT',
        'ROUTING.NOT_THE_SENDER',
        'ROUTING.NOT_A_RECIPIENT',
        'ROUTING.UNSUPPORTED_PACKAGE',
        'ROUTING.IMPOSSIBLE_TRANSITION',
      ].sort(),
    );
  });
});

describe('business-status transitions', () => {
  const at = (last: string | null, recall: 'none' | 'requested' | 'agreed' | 'refused' = 'none'): RoutedDocument => ({ ...sent, progress: { [OTHER_PROVINCE]: { last, recall } } });

  it.each([
    ['03', 'backwards', at('05')],
    ['03', 'after a return', at('02')],
    ['02', 'a return after taking it in', at('04')],
    ['15', 'an agreement to no recall', at('06')],
    ['16', 'an answer to a recall already agreed', at('06', 'agreed')],
    ['15', 'agreeing to a recall already refused', at('06', 'refused')],
    ['06', 'processing a withdrawn document', at('05', 'agreed')],
  ] as const)('rejects %s: %s', (code, _why, document) => {
    routing(world).givenState(registry(document)).when(status(code, OTHER_PROVINCE)).then(rejectedWith(RoutingErrorCode.IMPOSSIBLE_TRANSITION));
  });

  it.each([
    ['05', at('05')],
    ['06', at('03')],
    ['02', at('01')],
    // the same answer again: a resend, or the routing step redone after a crash
    ['15', at('06', 'agreed')],
    ['16', at('06', 'refused')],
  ] as const)('routes %s after the progress given (repeats and forward jumps)', (code, document) => {
    routing(world).givenState(registry(document)).when(status(code, OTHER_PROVINCE)).thenOne(PACKAGE_ROUTED);
  });

  it('recalls only from recipients that have not already agreed, and refuses a recall nobody is left for', () => {
    const partly: RoutedDocument = { ...sent, progress: { [OTHER_PROVINCE]: { last: '06', recall: 'agreed' } } };
    const { deliveries } = routing(world).givenState(registry(partly)).when(status('13', PROVINCE)).thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries.map((d) => d.recipientCode)).toEqual([UNIT]);
    const all: RoutedDocument = { ...sent, progress: { [OTHER_PROVINCE]: { last: null, recall: 'agreed' }, [UNIT]: { last: null, recall: 'agreed' } } };
    routing(world).givenState(registry(all)).when(status('13', PROVINCE)).then(rejectedWith(RoutingErrorCode.IMPOSSIBLE_TRANSITION));
  });
});

describe('statusAfter', () => {
  it('moves the reporting recipient on, and every recalled recipient on a recall', () => {
    const reported = statusAfter(routing(world).givenState(registry(sent)).when(status('03', OTHER_PROVINCE)).thenOne(PACKAGE_ROUTED), sent);
    expect(reported?.progress).toEqual({ [OTHER_PROVINCE]: { last: '03', recall: 'none' } });
    const recall = statusAfter(routing(world).givenState(registry(reported!)).when(status('13', PROVINCE)).thenOne(PACKAGE_ROUTED), reported!);
    expect(recall?.progress).toEqual({ [OTHER_PROVINCE]: { last: '03', recall: 'requested' }, [UNIT]: { last: null, recall: 'requested' } });
    const agreed = statusAfter(routing(world).givenState(registry(recall!)).when(status('15', OTHER_PROVINCE)).thenOne(PACKAGE_ROUTED), recall!);
    expect(agreed?.progress?.[OTHER_PROVINCE]).toEqual({ last: '03', recall: 'agreed' });
  });
});
