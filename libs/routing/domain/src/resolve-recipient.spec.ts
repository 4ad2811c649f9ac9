import { RoutingErrorCode } from './routing-error';
import { PACKAGE_ROUTED } from './decision';
import { agency, DEPARTMENT, edoc, OTHER_PROVINCE, PROVINCE, routing, UNIT } from './test-fixtures/routing';

const MERGED = '000.00.00.H41'; // a province merged into OTHER_PROVINCE
const MERGED_EARLIER = '000.00.00.H42'; // merged into MERGED before MERGED itself was merged

describe('resolving recipients', () => {
  it('routes direct to a recipient with its own system, picking the first system by systemId', () => {
    const { deliveries, unroutable } = routing([agency(PROVINCE, { systems: ['qlvb'] }), agency(OTHER_PROVINCE, { systems: ['zeta', 'alpha'] })])
      .given()
      .when(edoc([OTHER_PROVINCE]))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(unroutable).toEqual([]);
    expect(deliveries).toEqual([
      {
        deliveryId: `pkg-1/${OTHER_PROVINCE}`,
        requestedCode: OTHER_PROVINCE,
        recipientCode: OTHER_PROVINCE,
        deliverToCode: OTHER_PROVINCE,
        systemId: 'alpha',
        endpoint: 'grpcs://alpha.example:443',
        route: 'direct',
        via: [],
      },
    ]);
  });

  it('relays through the nearest connected ancestor when the unit has no system (route ancestor)', () => {
    const { deliveries } = routing([agency(PROVINCE, { systems: ['hub'] }), agency(DEPARTMENT), agency(UNIT)])
      .given()
      .when(edoc([UNIT], { senderCode: OTHER_PROVINCE }))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries).toEqual([
      expect.objectContaining({ recipientCode: UNIT, deliverToCode: PROVINCE, systemId: 'hub', route: 'ancestor', via: [DEPARTMENT, PROVINCE] }),
    ]);
  });

  it('skips a suspended ancestor when climbing to the hub', () => {
    const { deliveries } = routing([agency(PROVINCE, { systems: ['hub'] }), agency(DEPARTMENT, { status: 'suspended', systems: ['dept'] }), agency(UNIT)])
      .given()
      .when(edoc([UNIT]))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries[0]).toEqual(expect.objectContaining({ deliverToCode: PROVINCE, route: 'ancestor', via: [DEPARTMENT, PROVINCE] }));
  });

  it('routes a merged (retired) province to its successor (route successor)', () => {
    const { deliveries } = routing([agency(OTHER_PROVINCE, { systems: ['qlvb'] }), agency(MERGED, { status: 'retired', successorCode: OTHER_PROVINCE })])
      .given()
      .when(edoc([MERGED]))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries).toEqual([
      expect.objectContaining({
        deliveryId: `pkg-1/${OTHER_PROVINCE}`,
        requestedCode: MERGED,
        recipientCode: OTHER_PROVINCE,
        deliverToCode: OTHER_PROVINCE,
        route: 'successor',
        via: [MERGED],
      }),
    ]);
  });

  it('follows a successor chain of two retired codes', () => {
    const { deliveries } = routing([
      agency(OTHER_PROVINCE, { systems: ['qlvb'] }),
      agency(MERGED, { status: 'retired', successorCode: OTHER_PROVINCE }),
      agency(MERGED_EARLIER, { status: 'retired', successorCode: MERGED }),
    ]).given()
      .when(edoc([MERGED_EARLIER]))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries[0]).toEqual(expect.objectContaining({ recipientCode: OTHER_PROVINCE, route: 'successor', via: [MERGED_EARLIER, MERGED] }));
  });

  it('relays for a successor without a system (route successor+ancestor, via = retired then climbed)', () => {
    const retiredUnit = '000.21.32.H53';
    const { deliveries } = routing([
      agency(PROVINCE, { systems: ['hub'] }),
      agency(DEPARTMENT),
      agency(UNIT),
      agency(retiredUnit, { status: 'retired', successorCode: UNIT }),
    ]).given()
      .when(edoc([retiredUnit]))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries).toEqual([
      expect.objectContaining({
        requestedCode: retiredUnit,
        recipientCode: UNIT,
        deliverToCode: PROVINCE,
        route: 'successor+ancestor',
        via: [retiredUnit, DEPARTMENT, PROVINCE],
      }),
    ]);
  });

  it('makes one delivery when two requested codes end at the same recipient (first wins, no unroutable)', () => {
    const { deliveries, unroutable } = routing([agency(OTHER_PROVINCE, { systems: ['qlvb'] }), agency(MERGED, { status: 'retired', successorCode: OTHER_PROVINCE })])
      .given()
      .when(edoc([MERGED, OTHER_PROVINCE, MERGED]))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toEqual(expect.objectContaining({ requestedCode: MERGED, recipientCode: OTHER_PROVINCE, route: 'successor' }));
    expect(unroutable).toEqual([]);
  });

  it('delivers two units relayed by the same hub separately', () => {
    const sibling = '000.21.32.H53';
    const { deliveries } = routing([agency(PROVINCE, { systems: ['hub'] }), agency(DEPARTMENT), agency(UNIT), agency(sibling)])
      .given()
      .when(edoc([UNIT, sibling]))
      .thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries.map((d) => [d.deliveryId, d.deliverToCode])).toEqual([
      [`pkg-1/${UNIT}`, PROVINCE],
      [`pkg-1/${sibling}`, PROVINCE],
    ]);
  });

  it('routes a package to its own sender normally', () => {
    const { deliveries } = routing([agency(PROVINCE, { systems: ['qlvb'] })]).given().when(edoc([PROVINCE])).thenOne(PACKAGE_ROUTED).payload;
    expect(deliveries[0]).toEqual(expect.objectContaining({ recipientCode: PROVINCE, route: 'direct' }));
  });

  describe('unroutable recipients', () => {
    const world = [
      agency(PROVINCE, { systems: ['hub'] }),
      agency(OTHER_PROVINCE), // no system, no ancestor
      agency(DEPARTMENT, { status: 'suspended' }),
      agency('000.00.00.H41', { status: 'retired' }),
      agency('000.00.00.H42', { status: 'retired', successorCode: DEPARTMENT }),
      agency('000.00.00.H43', { status: 'retired', successorCode: '000.00.00.H44' }), // successor unknown
    ];

    it.each([
      ['000.00.00.h53', RoutingErrorCode.MALFORMED_RECIPIENT],
      [` ${PROVINCE}`, RoutingErrorCode.MALFORMED_RECIPIENT],
      ['', RoutingErrorCode.MALFORMED_RECIPIENT],
      ['000.00.00.H99', RoutingErrorCode.UNKNOWN_RECIPIENT],
      ['000.00.00.H41', RoutingErrorCode.RETIRED_WITHOUT_SUCCESSOR],
      ['000.00.00.H43', RoutingErrorCode.RETIRED_WITHOUT_SUCCESSOR],
      [DEPARTMENT, RoutingErrorCode.RECIPIENT_SUSPENDED],
      ['000.00.00.H42', RoutingErrorCode.RECIPIENT_SUSPENDED],
      [OTHER_PROVINCE, RoutingErrorCode.NOT_CONNECTED],
    ])('lists %j as %s beside a good recipient', (code, errorCode) => {
      const { deliveries, unroutable } = routing(world).given().when(edoc([PROVINCE, code])).thenOne(PACKAGE_ROUTED).payload;
      expect(deliveries.map((d) => d.recipientCode)).toEqual([PROVINCE]);
      expect(unroutable).toEqual([{ requestedCode: code, errorCode, reason: expect.any(String) }]);
    });
  });
});
