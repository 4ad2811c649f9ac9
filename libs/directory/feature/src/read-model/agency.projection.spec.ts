import { AgencyConnectedEvent, AgencyRegisteredEvent, AgencyRetiredEvent, createEvent, type EventDefinition, type EventType } from '@vdx/contracts';
import { agencyProjection } from './agency.projection';
import { toView } from './agency-view';

const actor = { kind: 'operator', id: 'test' } as const;
const at = (offset: number) => ({ topic: 't', partition: 1, offset: String(offset) });
const event = <P, T extends EventType>(def: EventDefinition<P, T>, seq: number, payload: P & { code: string }) =>
  createEvent(def, { aggregateId: payload.code, aggregateSeq: seq, payload, actor, correlationId: 'c', occurredAt: new Date('2026-07-01T00:00:00Z') });

describe('agencyProjection', () => {
  const projection = agencyProjection('p', 't', 'agencies');

  it('creates the document with what subtree, search and the change feed need', () => {
    const [write] = projection.project(
      event(AgencyRegisteredEvent, 1, { code: '000.20.32.H53', name: 'Phòng Ngân sách', parentCode: '000.00.32.H53', email: null, inCharge: 'Tây Ninh', validFrom: '2026-07-01T00:00:00.000Z' }),
      at(7),
    );
    expect(write).toMatchObject({ collection: 'agencies', id: '000.20.32.H53', creates: true });
    expect(write!.update.$set).toMatchObject({
      nameKey: 'phong ngan sach',
      ancestors: ['000.00.32.H53', '000.00.00.H53'],
      level: 3,
      status: 'active',
      version: 1,
      rev: { p: 1, o: 7 },
    });
  });

  it('keeps connected systems in a map keyed safely, and marks retirements', () => {
    const [connect] = projection.project(event(AgencyConnectedEvent, 2, { code: '000.00.00.H53', systemId: 'qlvb.tay-ninh', credentialFingerprint: 'ab'.repeat(32), endpoint: null }), at(8));
    expect(Object.keys(connect!.update.$set!)).toContain('systems.qlvb_tay-ninh');
    const [retire] = projection.project(event(AgencyRetiredEvent, 3, { code: '000.00.00.H53', successorCode: '000.00.00.H40', validTo: '2026-07-01T00:00:00.000Z', reason: 'sáp nhập' }), at(9));
    expect(retire!.update.$set).toMatchObject({ status: 'retired', successorCode: '000.00.00.H40', version: 3, rev: { p: 1, o: 9 } });
  });

  it('turns a stored document back into the view, systems sorted', () => {
    const view = toView({
      code: '000.00.00.H53',
      name: 'UBND',
      status: 'active',
      validFrom: 'x',
      level: 1,
      version: 4,
      systems: { b: { systemId: 'b', credentialFingerprint: 'f', endpoint: null }, a: { systemId: 'a', credentialFingerprint: 'f', endpoint: 'h:1' } },
    });
    expect(view.systems.map((s) => s.systemId)).toEqual(['a', 'b']);
    expect(view).toMatchObject({ parentCode: null, email: null, successorCode: null, validTo: null });
  });
});
