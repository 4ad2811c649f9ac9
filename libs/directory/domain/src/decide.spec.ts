import { AgencyConnectedEvent, AgencyRegisteredEvent, AgencyReinstatedEvent, AgencyRetiredEvent, AgencySuspendedEvent, AgencyUpdatedEvent } from '@vdx/contracts';
import { directory, NOW, registered, retired, suspended } from './test-fixtures/decider';

const H53 = '000.00.00.H53';
const SO = '000.00.32.H53';
const PHONG = '000.20.32.H53';
const FP = 'ab'.repeat(32);

describe('RegisterAgency', () => {
  it('registers a level-1 agency without a parent', () => {
    directory.given()
      .when({ kind: 'RegisterAgency', code: H53, name: ' UBND Tỉnh Tây Ninh ', email: 'vp@tayninh.gov.vn', inCharge: 'Tây Ninh' })
      .then([
        {
          type: AgencyRegisteredEvent.type,
          payload: { code: H53, name: 'UBND Tỉnh Tây Ninh', parentCode: null, email: 'vp@tayninh.gov.vn', inCharge: 'Tây Ninh', validFrom: NOW.toISOString() },
        },
      ]);
  });

  it('registers a unit under its registered parent, found by zeroing its lowest level', () => {
    directory.given([registered(SO, 'Sở Tài chính', H53), registered(H53)])
      .when({ kind: 'RegisterAgency', code: PHONG, name: 'Phòng Ngân sách', email: '', inCharge: null })
      .then([
        {
          type: AgencyRegisteredEvent.type,
          payload: { code: PHONG, name: 'Phòng Ngân sách', parentCode: SO, email: null, inCharge: null, validFrom: NOW.toISOString() },
        },
      ]);
  });

  it('refuses a code already registered', () => {
    directory.given([registered(H53)]).when({ kind: 'RegisterAgency', code: H53, name: 'again' }).thenThrows('DIRECTORY.DUPLICATE_CODE');
  });

  it('refuses to reuse a retired code', () => {
    const error = directory.given([registered(SO), retired(SO, null)])
      .when({ kind: 'RegisterAgency', code: SO, name: 'Sở mới' })
      .thenThrows('DIRECTORY.DUPLICATE_CODE');
    expect(error.message).toContain('never reused');
  });

  it('refuses a unit whose parent is unknown', () => {
    const error = directory.given([registered(H53)]).when({ kind: 'RegisterAgency', code: PHONG, name: 'Phòng' }).thenThrows('DIRECTORY.PARENT_UNKNOWN');
    expect(error.message).toBe(`parent ${SO} of ${PHONG} is not in the directory; register it first`);
  });

  it('refuses a unit under a retired parent', () => {
    directory.given([registered(SO), retired(SO, null)]).when({ kind: 'RegisterAgency', code: PHONG, name: 'Phòng' }).thenThrows('DIRECTORY.PARENT_RETIRED');
  });

  it.each([
    ['000.1137.H53', 'DIRECTORY.MALFORMED_CODE', 'code'],
    [' 000.00.00.H53', 'DIRECTORY.MALFORMED_CODE', 'code'],
    ['', 'DIRECTORY.MALFORMED_CODE', 'code'],
  ])('refuses the malformed code %j', (code, errorCode, path) => {
    directory.given().when({ kind: 'RegisterAgency', code, name: 'x' }).thenThrows(errorCode, { path });
  });

  it.each([
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(501) }, 'name'],
    [{ name: 'tab\tinside' }, 'name'],
    [{ name: 'ok', email: 'not-an-email' }, 'email'],
    [{ name: 'ok', email: 'a b@c.vn' }, 'email'],
    [{ name: 'ok', inCharge: 'y'.repeat(501) }, 'inCharge'],
  ])('refuses invalid fields %j', (fields, path) => {
    directory.given()
      .when({ kind: 'RegisterAgency', code: H53, ...fields })
      .thenThrows('DIRECTORY.INVALID_FIELD', { path });
  });
});

describe('UpdateAgency', () => {
  const history = [registered(H53, 'UBND Tỉnh Tây Ninh')];

  it('records the whole new profile, keeping absent fields', () => {
    directory.given(history)
      .when({ kind: 'UpdateAgency', code: H53, email: 'vanthu@tayninh.gov.vn' })
      .then([{ type: AgencyUpdatedEvent.type, payload: { code: H53, name: 'UBND Tỉnh Tây Ninh', email: 'vanthu@tayninh.gov.vn', inCharge: null } }]);
  });

  it('changes nothing when nothing differs (after trimming)', () => {
    directory.given(history).when({ kind: 'UpdateAgency', code: H53, name: ' UBND Tỉnh Tây Ninh ', email: '' }).then([]);
  });

  it('refuses an unknown agency', () => {
    directory.given().when({ kind: 'UpdateAgency', code: H53, name: 'x' }).thenThrows('DIRECTORY.UNKNOWN_AGENCY');
  });

  it('refuses a retired agency and names its successor', () => {
    const error = directory.given([registered(SO), retired(SO, H53)])
      .when({ kind: 'UpdateAgency', code: SO, name: 'x' })
      .thenThrows('DIRECTORY.AGENCY_RETIRED');
    expect(error.message).toContain(`its successor is ${H53}`);
  });
});

describe('ConnectSystem', () => {
  const history = [registered(H53)];

  it('binds a system, normalising the fingerprint', () => {
    directory.given(history)
      .when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb-tayninh', credentialFingerprint: 'AB:'.repeat(31) + 'AB', endpoint: 'qlvb.tayninh.gov.vn:443' })
      .then([{ type: AgencyConnectedEvent.type, payload: { code: H53, systemId: 'qlvb-tayninh', credentialFingerprint: FP, endpoint: 'qlvb.tayninh.gov.vn:443' } }]);
  });

  it('is a no-op when the same binding is repeated', () => {
    const connected = { type: AgencyConnectedEvent.type, payload: { code: H53, systemId: 'qlvb', credentialFingerprint: FP, endpoint: null } };
    directory.given([registered(H53), connected]).when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb', credentialFingerprint: FP }).then([]);
  });

  it('rebinds a system to a new certificate', () => {
    const connected = { type: AgencyConnectedEvent.type, payload: { code: H53, systemId: 'qlvb', credentialFingerprint: FP, endpoint: null } };
    const rotated = 'cd'.repeat(32);
    directory.given([registered(H53), connected])
      .when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb', credentialFingerprint: rotated })
      .then([{ type: AgencyConnectedEvent.type, payload: { code: H53, systemId: 'qlvb', credentialFingerprint: rotated, endpoint: null } }]);
  });

  it.each([
    [{ systemId: '', credentialFingerprint: FP }, 'systemId'],
    [{ systemId: 'has space', credentialFingerprint: FP }, 'systemId'],
    [{ systemId: 'qlvb', credentialFingerprint: 'abc' }, 'credentialFingerprint'],
    [{ systemId: 'qlvb', credentialFingerprint: 'zz'.repeat(32) }, 'credentialFingerprint'],
    [{ systemId: 'qlvb', credentialFingerprint: FP, endpoint: 'ftp://x.vn' }, 'endpoint'],
    [{ systemId: 'qlvb', credentialFingerprint: FP, endpoint: 'just-a-host' }, 'endpoint'],
  ])('refuses %j', (fields, path) => {
    directory.given(history)
      .when({ kind: 'ConnectSystem', code: H53, ...fields })
      .thenThrows('DIRECTORY.INVALID_FIELD', { path });
  });

  it('refuses a retired agency', () => {
    directory.given([registered(H53), retired(H53, null)])
      .when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb', credentialFingerprint: FP })
      .thenThrows('DIRECTORY.AGENCY_RETIRED');
  });
});

describe('SuspendAgency and ReinstateAgency', () => {
  it('suspends with a reason and reinstates', () => {
    directory.given([registered(H53)])
      .when({ kind: 'SuspendAgency', code: H53, reason: 'chứng thư hết hạn' })
      .then([{ type: AgencySuspendedEvent.type, payload: { code: H53, reason: 'chứng thư hết hạn' } }]);
    directory.given([registered(H53), suspended(H53)])
      .when({ kind: 'ReinstateAgency', code: H53 })
      .then([{ type: AgencyReinstatedEvent.type, payload: { code: H53 } }]);
  });

  it('refuses to suspend twice, to reinstate an active agency, or to suspend without a reason', () => {
    directory.given([registered(H53), suspended(H53)]).when({ kind: 'SuspendAgency', code: H53, reason: 'again' }).thenThrows('DIRECTORY.ALREADY_SUSPENDED');
    directory.given([registered(H53)]).when({ kind: 'ReinstateAgency', code: H53 }).thenThrows('DIRECTORY.NOT_SUSPENDED');
    directory.given([registered(H53)]).when({ kind: 'SuspendAgency', code: H53, reason: ' ' }).thenThrows('DIRECTORY.INVALID_FIELD', { path: 'reason' });
  });

  it('refuses both on retired or unknown agencies', () => {
    directory.given([registered(H53), retired(H53, null)]).when({ kind: 'ReinstateAgency', code: H53 }).thenThrows('DIRECTORY.AGENCY_RETIRED');
    directory.given().when({ kind: 'SuspendAgency', code: H53, reason: 'x' }).thenThrows('DIRECTORY.UNKNOWN_AGENCY');
  });
});

describe('RetireAgency', () => {
  const H41 = '000.00.00.H41';
  const MERGED = '000.00.00.H40';

  it('retires into a current successor (a merger)', () => {
    directory.given([registered(H41), registered(MERGED)])
      .when({ kind: 'RetireAgency', code: H41, successorCode: MERGED, reason: 'Nghị quyết 202/2025/QH15' })
      .then([{ type: AgencyRetiredEvent.type, payload: { code: H41, successorCode: MERGED, validTo: NOW.toISOString(), reason: 'Nghị quyết 202/2025/QH15' } }]);
  });

  it('retires a suspended agency without a successor', () => {
    directory.given([registered(SO), suspended(SO)])
      .when({ kind: 'RetireAgency', code: SO, successorCode: null, reason: 'giải thể' })
      .then([{ type: AgencyRetiredEvent.type, payload: { code: SO, successorCode: null, validTo: NOW.toISOString(), reason: 'giải thể' } }]);
  });

  it('refuses a successor that is itself retired, naming where its chain ends', () => {
    const error = directory.given([registered(H41), registered(MERGED), retired(MERGED, H53), registered(H53)])
      .when({ kind: 'RetireAgency', code: H41, successorCode: MERGED, reason: 'x' })
      .thenThrows('DIRECTORY.SUCCESSOR_RETIRED', { path: 'successorCode' });
    expect(error.message).toBe(`successor ${MERGED} is itself retired; name its current successor ${H53} instead`);
  });

  it('refuses a cycle: an agency cannot succeed itself', () => {
    directory.given([registered(H41)]).when({ kind: 'RetireAgency', code: H41, successorCode: H41, reason: 'x' }).thenThrows('DIRECTORY.SUCCESSOR_CYCLE', { path: 'successorCode' });
  });

  it('refuses a cycle through a chain: the earlier agency is retired, so it cannot be named', () => {
    // H41 → H40 happened; retiring H40 back into H41 would close a loop.
    directory.given([registered(H41), retired(H41, MERGED), registered(MERGED)])
      .when({ kind: 'RetireAgency', code: MERGED, successorCode: H41, reason: 'x' })
      .thenThrows('DIRECTORY.SUCCESSOR_RETIRED', { path: 'successorCode' });
  });

  it('refuses an unknown or malformed successor, a second retirement, and a missing reason', () => {
    directory.given([registered(H41)]).when({ kind: 'RetireAgency', code: H41, successorCode: MERGED, reason: 'x' }).thenThrows('DIRECTORY.SUCCESSOR_UNKNOWN', { path: 'successorCode' });
    directory.given([registered(H41)]).when({ kind: 'RetireAgency', code: H41, successorCode: 'H40', reason: 'x' }).thenThrows('DIRECTORY.MALFORMED_CODE', { path: 'successorCode' });
    directory.given([registered(H41), retired(H41, null)]).when({ kind: 'RetireAgency', code: H41, reason: 'x' }).thenThrows('DIRECTORY.AGENCY_RETIRED');
    directory.given([registered(H41)]).when({ kind: 'RetireAgency', code: H41, reason: '' }).thenThrows('DIRECTORY.INVALID_FIELD', { path: 'reason' });
  });
});
