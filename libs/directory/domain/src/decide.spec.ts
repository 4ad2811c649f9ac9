import { given, NOW, registered, retired, suspended } from './decider.spec-helpers';

const H53 = '000.00.00.H53';
const SO = '000.00.32.H53';
const PHONG = '000.20.32.H53';
const FP = 'ab'.repeat(32);

describe('RegisterAgency', () => {
  it('registers a level-1 agency without a parent', () => {
    given()
      .when({ kind: 'RegisterAgency', code: H53, name: ' UBND Tỉnh Tây Ninh ', email: 'vp@tayninh.gov.vn', inCharge: 'Tây Ninh' })
      .then([
        {
          type: 'vdx.directory.AgencyRegistered',
          payload: { code: H53, name: 'UBND Tỉnh Tây Ninh', parentCode: null, email: 'vp@tayninh.gov.vn', inCharge: 'Tây Ninh', validFrom: NOW.toISOString() },
        },
      ]);
  });

  it('registers a unit under its registered parent, found by zeroing its lowest level', () => {
    given({ [SO]: [registered(SO, 'Sở Tài chính', H53)], [H53]: [registered(H53)] })
      .when({ kind: 'RegisterAgency', code: PHONG, name: 'Phòng Ngân sách', email: '', inCharge: null })
      .then([
        {
          type: 'vdx.directory.AgencyRegistered',
          payload: { code: PHONG, name: 'Phòng Ngân sách', parentCode: SO, email: null, inCharge: null, validFrom: NOW.toISOString() },
        },
      ]);
  });

  it('refuses a code already registered', () => {
    given({ [H53]: [registered(H53)] }).when({ kind: 'RegisterAgency', code: H53, name: 'again' }).thenRefused('DIRECTORY.DUPLICATE_CODE');
  });

  it('refuses to reuse a retired code', () => {
    const error = given({ [SO]: [registered(SO), retired(SO, null)] })
      .when({ kind: 'RegisterAgency', code: SO, name: 'Sở mới' })
      .thenRefused('DIRECTORY.DUPLICATE_CODE');
    expect(error.message).toContain('never reused');
  });

  it('refuses a unit whose parent is unknown', () => {
    const error = given({ [H53]: [registered(H53)] }).when({ kind: 'RegisterAgency', code: PHONG, name: 'Phòng' }).thenRefused('DIRECTORY.PARENT_UNKNOWN');
    expect(error.message).toBe(`parent ${SO} of ${PHONG} is not in the directory; register it first`);
  });

  it('refuses a unit under a retired parent', () => {
    given({ [SO]: [registered(SO), retired(SO, null)] }).when({ kind: 'RegisterAgency', code: PHONG, name: 'Phòng' }).thenRefused('DIRECTORY.PARENT_RETIRED');
  });

  it.each([
    ['000.1137.H53', 'DIRECTORY.MALFORMED_CODE', 'code'],
    [' 000.00.00.H53', 'DIRECTORY.MALFORMED_CODE', 'code'],
    ['', 'DIRECTORY.MALFORMED_CODE', 'code'],
  ])('refuses the malformed code %j', (code, errorCode, path) => {
    given().when({ kind: 'RegisterAgency', code, name: 'x' }).thenRefused(errorCode, path);
  });

  it.each([
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(501) }, 'name'],
    [{ name: 'tab\tinside' }, 'name'],
    [{ name: 'ok', email: 'not-an-email' }, 'email'],
    [{ name: 'ok', email: 'a b@c.vn' }, 'email'],
    [{ name: 'ok', inCharge: 'y'.repeat(501) }, 'inCharge'],
  ])('refuses invalid fields %j', (fields, path) => {
    given()
      .when({ kind: 'RegisterAgency', code: H53, ...fields })
      .thenRefused('DIRECTORY.INVALID_FIELD', path);
  });
});

describe('UpdateAgency', () => {
  const history = { [H53]: [registered(H53, 'UBND Tỉnh Tây Ninh')] };

  it('records the whole new profile, keeping absent fields', () => {
    given(history)
      .when({ kind: 'UpdateAgency', code: H53, email: 'vanthu@tayninh.gov.vn' })
      .then([{ type: 'vdx.directory.AgencyUpdated', payload: { code: H53, name: 'UBND Tỉnh Tây Ninh', email: 'vanthu@tayninh.gov.vn', inCharge: null } }]);
  });

  it('changes nothing when nothing differs (after trimming)', () => {
    given(history).when({ kind: 'UpdateAgency', code: H53, name: ' UBND Tỉnh Tây Ninh ', email: '' }).then([]);
  });

  it('refuses an unknown agency', () => {
    given().when({ kind: 'UpdateAgency', code: H53, name: 'x' }).thenRefused('DIRECTORY.UNKNOWN_AGENCY');
  });

  it('refuses a retired agency and names its successor', () => {
    const error = given({ [SO]: [registered(SO), retired(SO, H53)] })
      .when({ kind: 'UpdateAgency', code: SO, name: 'x' })
      .thenRefused('DIRECTORY.AGENCY_RETIRED');
    expect(error.message).toContain(`its successor is ${H53}`);
  });
});

describe('ConnectSystem', () => {
  const history = { [H53]: [registered(H53)] };

  it('binds a system, normalising the fingerprint', () => {
    given(history)
      .when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb-tayninh', credentialFingerprint: 'AB:'.repeat(31) + 'AB', endpoint: 'qlvb.tayninh.gov.vn:443' })
      .then([{ type: 'vdx.directory.AgencyConnected', payload: { code: H53, systemId: 'qlvb-tayninh', credentialFingerprint: FP, endpoint: 'qlvb.tayninh.gov.vn:443' } }]);
  });

  it('is a no-op when the same binding is repeated', () => {
    const connected = { type: 'vdx.directory.AgencyConnected' as const, payload: { code: H53, systemId: 'qlvb', credentialFingerprint: FP, endpoint: null } };
    given({ [H53]: [registered(H53), connected] }).when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb', credentialFingerprint: FP }).then([]);
  });

  it('rebinds a system to a new certificate', () => {
    const connected = { type: 'vdx.directory.AgencyConnected' as const, payload: { code: H53, systemId: 'qlvb', credentialFingerprint: FP, endpoint: null } };
    const rotated = 'cd'.repeat(32);
    given({ [H53]: [registered(H53), connected] })
      .when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb', credentialFingerprint: rotated })
      .then([{ type: 'vdx.directory.AgencyConnected', payload: { code: H53, systemId: 'qlvb', credentialFingerprint: rotated, endpoint: null } }]);
  });

  it.each([
    [{ systemId: '', credentialFingerprint: FP }, 'systemId'],
    [{ systemId: 'has space', credentialFingerprint: FP }, 'systemId'],
    [{ systemId: 'qlvb', credentialFingerprint: 'abc' }, 'credentialFingerprint'],
    [{ systemId: 'qlvb', credentialFingerprint: 'zz'.repeat(32) }, 'credentialFingerprint'],
    [{ systemId: 'qlvb', credentialFingerprint: FP, endpoint: 'ftp://x.vn' }, 'endpoint'],
    [{ systemId: 'qlvb', credentialFingerprint: FP, endpoint: 'just-a-host' }, 'endpoint'],
  ])('refuses %j', (fields, path) => {
    given(history)
      .when({ kind: 'ConnectSystem', code: H53, ...fields })
      .thenRefused('DIRECTORY.INVALID_FIELD', path);
  });

  it('refuses a retired agency', () => {
    given({ [H53]: [registered(H53), retired(H53, null)] })
      .when({ kind: 'ConnectSystem', code: H53, systemId: 'qlvb', credentialFingerprint: FP })
      .thenRefused('DIRECTORY.AGENCY_RETIRED');
  });
});

describe('SuspendAgency and ReinstateAgency', () => {
  it('suspends with a reason and reinstates', () => {
    given({ [H53]: [registered(H53)] })
      .when({ kind: 'SuspendAgency', code: H53, reason: 'chứng thư hết hạn' })
      .then([{ type: 'vdx.directory.AgencySuspended', payload: { code: H53, reason: 'chứng thư hết hạn' } }]);
    given({ [H53]: [registered(H53), suspended(H53)] })
      .when({ kind: 'ReinstateAgency', code: H53 })
      .then([{ type: 'vdx.directory.AgencyReinstated', payload: { code: H53 } }]);
  });

  it('refuses to suspend twice, to reinstate an active agency, or to suspend without a reason', () => {
    given({ [H53]: [registered(H53), suspended(H53)] }).when({ kind: 'SuspendAgency', code: H53, reason: 'again' }).thenRefused('DIRECTORY.ALREADY_SUSPENDED');
    given({ [H53]: [registered(H53)] }).when({ kind: 'ReinstateAgency', code: H53 }).thenRefused('DIRECTORY.NOT_SUSPENDED');
    given({ [H53]: [registered(H53)] }).when({ kind: 'SuspendAgency', code: H53, reason: ' ' }).thenRefused('DIRECTORY.INVALID_FIELD', 'reason');
  });

  it('refuses both on retired or unknown agencies', () => {
    given({ [H53]: [registered(H53), retired(H53, null)] }).when({ kind: 'ReinstateAgency', code: H53 }).thenRefused('DIRECTORY.AGENCY_RETIRED');
    given().when({ kind: 'SuspendAgency', code: H53, reason: 'x' }).thenRefused('DIRECTORY.UNKNOWN_AGENCY');
  });
});

describe('RetireAgency', () => {
  const H41 = '000.00.00.H41';
  const MERGED = '000.00.00.H40';

  it('retires into a current successor (a merger)', () => {
    given({ [H41]: [registered(H41)], [MERGED]: [registered(MERGED)] })
      .when({ kind: 'RetireAgency', code: H41, successorCode: MERGED, reason: 'Nghị quyết 202/2025/QH15' })
      .then([{ type: 'vdx.directory.AgencyRetired', payload: { code: H41, successorCode: MERGED, validTo: NOW.toISOString(), reason: 'Nghị quyết 202/2025/QH15' } }]);
  });

  it('retires a suspended agency without a successor', () => {
    given({ [SO]: [registered(SO), suspended(SO)] })
      .when({ kind: 'RetireAgency', code: SO, successorCode: null, reason: 'giải thể' })
      .then([{ type: 'vdx.directory.AgencyRetired', payload: { code: SO, successorCode: null, validTo: NOW.toISOString(), reason: 'giải thể' } }]);
  });

  it('refuses a successor that is itself retired, naming where its chain ends', () => {
    const error = given({ [H41]: [registered(H41)], [MERGED]: [registered(MERGED), retired(MERGED, H53)], [H53]: [registered(H53)] })
      .when({ kind: 'RetireAgency', code: H41, successorCode: MERGED, reason: 'x' })
      .thenRefused('DIRECTORY.SUCCESSOR_RETIRED', 'successorCode');
    expect(error.message).toBe(`successor ${MERGED} is itself retired; name its current successor ${H53} instead`);
  });

  it('refuses a cycle: an agency cannot succeed itself', () => {
    given({ [H41]: [registered(H41)] }).when({ kind: 'RetireAgency', code: H41, successorCode: H41, reason: 'x' }).thenRefused('DIRECTORY.SUCCESSOR_CYCLE', 'successorCode');
  });

  it('refuses a cycle through a chain: the earlier agency is retired, so it cannot be named', () => {
    // H41 → H40 happened; retiring H40 back into H41 would close a loop.
    given({ [H41]: [registered(H41), retired(H41, MERGED)], [MERGED]: [registered(MERGED)] })
      .when({ kind: 'RetireAgency', code: MERGED, successorCode: H41, reason: 'x' })
      .thenRefused('DIRECTORY.SUCCESSOR_RETIRED', 'successorCode');
  });

  it('refuses an unknown or malformed successor, a second retirement, and a missing reason', () => {
    given({ [H41]: [registered(H41)] }).when({ kind: 'RetireAgency', code: H41, successorCode: MERGED, reason: 'x' }).thenRefused('DIRECTORY.SUCCESSOR_UNKNOWN', 'successorCode');
    given({ [H41]: [registered(H41)] }).when({ kind: 'RetireAgency', code: H41, successorCode: 'H40', reason: 'x' }).thenRefused('DIRECTORY.MALFORMED_CODE', 'successorCode');
    given({ [H41]: [registered(H41), retired(H41, null)] }).when({ kind: 'RetireAgency', code: H41, reason: 'x' }).thenRefused('DIRECTORY.AGENCY_RETIRED');
    given({ [H41]: [registered(H41)] }).when({ kind: 'RetireAgency', code: H41, reason: '' }).thenRefused('DIRECTORY.INVALID_FIELD', 'reason');
  });
});
