import { AgencyConnectedEvent, AgencyRegisteredEvent, createEvent, type EventDefinition, type EventType } from '@vdx/contracts';
import { documentLife, refusedPackage, type LifeEvent } from './exchange-life';

// A small sample of the axis's life, shared by the statistics tests (the projection's
// integration test and the console's browser test): five agencies and four documents.

export const SAMPLE_AGENCIES = {
  VPCP: '000.00.00.G22',
  TAY_NINH: '000.00.00.H53',
  FINANCE: '000.00.32.H53',
  UNIT: '000.20.32.H53',
  HCM: '000.00.00.H40',
} as const;

const { VPCP, TAY_NINH, FINANCE, UNIT, HCM } = SAMPLE_AGENCIES;
const at = (iso: string) => new Date(iso);

/** The directory: five agencies, four of them connected (Tây Ninh twice: a new certificate counts once). */
export function sampleDirectory(): LifeEvent[] {
  const event = <P, T extends EventType>(def: EventDefinition<P, T>, code: string, payload: P, seq: number): LifeEvent => ({
    source: 'directory',
    urgent: false,
    key: code,
    event: createEvent(def, { aggregateId: code, aggregateSeq: seq, payload, actor: { kind: 'operator', id: 'ops' }, correlationId: code, occurredAt: at('2025-07-01T01:00:00Z') }),
  });
  const names: Record<string, string> = { [VPCP]: 'Văn phòng Chính phủ', [TAY_NINH]: 'UBND tỉnh Tây Ninh', [FINANCE]: 'Sở Tài chính Tây Ninh', [UNIT]: 'Phòng Ngân sách', [HCM]: 'UBND TP. Hồ Chí Minh' };
  const parent: Record<string, string | null> = { [VPCP]: null, [TAY_NINH]: null, [FINANCE]: TAY_NINH, [UNIT]: FINANCE, [HCM]: null };
  const out = Object.keys(names).map((code) => event(AgencyRegisteredEvent, code, { code, name: names[code]!, parentCode: parent[code]!, email: null, inCharge: null, validFrom: '2025-07-01T01:00:00.000Z' }, 1));
  const connect = (code: string, systemId: string, seq: number) => event(AgencyConnectedEvent, code, { code, systemId, credentialFingerprint: 'f'.repeat(64), endpoint: null }, seq);
  return [...out, connect(VPCP, 'qlvb-vpcp', 2), connect(TAY_NINH, 'qlvb-tn', 2), connect(TAY_NINH, 'qlvb-tn', 3), connect(FINANCE, 'qlvb-stc', 2), connect(HCM, 'qlvb-hcm', 2)];
}

/** Four documents over two days, one refusal (times are UTC; Vietnam is UTC+7). */
export function sampleExchange(run: string): LifeEvent[] {
  return [
    // 15 July 09:00: VPCP to Tây Ninh (fetched, 01 on time, 03), its unit (fetched, acknowledged fail, 01 the next day) and HCM (never fetched).
    ...documentLife({
      packageId: `${run}-A`,
      documentId: `${VPCP},2025/07/15,1/VPCP`,
      sender: VPCP,
      acceptedAt: at('2025-07-15T02:00:00Z'),
      cryptographic: 'valid',
      decree30: true,
      copies: [
        { recipient: TAY_NINH, fetchedAfterMs: 4000, ack: 'done', statuses: [{ code: '01', afterMs: 20 * 60_000 }, { code: '03', afterMs: 30 * 60_000 }] },
        { recipient: UNIT, fetchedAfterMs: 2 * 3600_000, ack: 'fail', statuses: [{ code: '01', afterMs: 24 * 3600_000 }] },
        { recipient: HCM, fetchedAfterMs: null, deadLettered: true, deadlineMissed: true },
      ],
    }),
    // 15 July 10:00: an urgent (hỏa tốc) document from Tây Ninh to VPCP.
    ...documentLife({ packageId: `${run}-B`, documentId: `${TAY_NINH},2025/07/15,2/UBND`, sender: TAY_NINH, acceptedAt: at('2025-07-15T03:00:00Z'), priority: '3', copies: [{ recipient: VPCP, fetchedAfterMs: 1000, ack: 'done', statuses: [{ code: '01', afterMs: 5 * 60_000 }] }] }),
    // 15 July 11:00: the finance department to HCM, carried with a finding.
    ...documentLife({ packageId: `${run}-C`, documentId: `${FINANCE},2025/07/15,3/STC`, sender: FINANCE, acceptedAt: at('2025-07-15T04:00:00Z'), warnings: ['EDXML.INVALID_DATE'], copies: [{ recipient: HCM, fetchedAfterMs: 60_000, ack: 'done' }] }),
    refusedPackage(`${run}-R`, HCM, 'EXCHANGE.INVALID_PACKAGE', ['EDXML.MISSING_FIELD'], at('2025-07-15T05:00:00Z')),
    // 16 July 09:00: HCM to the finance department.
    ...documentLife({ packageId: `${run}-D`, documentId: `${HCM},2025/07/16,4/UBND`, sender: HCM, acceptedAt: at('2025-07-16T02:00:00Z'), copies: [{ recipient: FINANCE, fetchedAfterMs: 10_000, ack: 'done' }] }),
  ];
}
