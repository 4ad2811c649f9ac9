import { eventTopic } from '@vdx/contracts';
import type { AgencyCommand } from '@vdx/directory-domain';
import { expectReplayedAsLive, replayBed, versionsAre } from '@vdx/event-sourcing/test-fixtures';
import { compactedTopicSpec, ensureTopics, eventTopicSpec } from '@vdx/messaging';
import { dumpCollection, uniqueName } from '@vdx/testing';
import type { Document } from 'mongodb';
import { AgencyWriter } from '../write-side/agency-writer';
import { agencyProjection } from './agency.projection';

const PROVINCES = ['H10', 'H11', 'H12', 'H13', 'H14', 'H15'];
const meta = { actor: { kind: 'operator', id: 'tests' }, correlationId: 'directory-replay-int' } as const;

/**
 * A directory's history as its operators would write it, in batches (one transaction each, as
 * an import does): provinces, their departments and offices, profile updates, connected
 * systems (one id with a dot), suspensions and reinstatements, and retirements to a successor.
 */
function history(): AgencyCommand[][] {
  const l1 = PROVINCES.map((p) => `000.00.00.${p}`);
  const l2 = PROVINCES.flatMap((p) => [1, 2, 3, 4, 5].map((d) => `000.00.0${d}.${p}`));
  const l3 = PROVINCES.flatMap((p) => [1, 2].map((o) => `000.0${o}.01.${p}`));
  const fp = (i: number) => i.toString(16).padStart(2, '0').repeat(32);
  return [
    l1.map((code, i) => ({ kind: 'RegisterAgency', code, name: `Ủy ban nhân dân tỉnh ${i}`, email: `ubnd${i}@example.vn`, inCharge: null })),
    l2.map((code, i) => ({ kind: 'RegisterAgency', code, name: `Sở ${i}`, email: null, inCharge: i % 3 === 0 ? 'Giám đốc' : null })),
    l3.map((code, i) => ({ kind: 'RegisterAgency', code, name: `Phòng ${i}`, email: null, inCharge: null })),
    l1.map((code, i) => ({ kind: 'ConnectSystem', code, systemId: i % 2 === 0 ? `qlvb.${PROVINCES[i]}` : `qlvb-${PROVINCES[i]}`, credentialFingerprint: fp(i), endpoint: i % 2 === 0 ? `qlvb${i}.example.vn:7443` : null })),
    l2.filter((_, i) => i % 4 === 0).map((code, i) => ({ kind: 'UpdateAgency', code, name: `Sở (đổi tên) ${i}`, email: `so${i}@example.vn` })),
    l2.filter((_, i) => i % 5 === 1).map((code) => ({ kind: 'SuspendAgency', code, reason: 'chứng thư hết hạn' })),
    l2.filter((_, i) => i % 10 === 1).map((code) => ({ kind: 'ReinstateAgency', code })),
    // Department 5 of each province merges into department 4.
    PROVINCES.map((p) => ({ kind: 'RetireAgency', code: `000.00.05.${p}`, successorCode: `000.00.04.${p}`, reason: 'sáp nhập' })),
    l3.slice(0, 4).map((code, i) => ({ kind: 'ConnectSystem', code, systemId: `phong-${i}`, credentialFingerprint: fp(100 + i), endpoint: null })),
    l1.slice(0, 2).map((code) => ({ kind: 'UpdateAgency', code, inCharge: 'Văn phòng UBND' })),
  ];
}

describe('directory: a replay rebuilds what the live projection built (real Kafka and store)', () => {
  // The directory's writer appends the log itself: no producer of the bed's.
  const bed = replayBed('directory', { producer: false });

  it('replays the events the directory writer appended into a collection identical to the live one', async () => {
    const topic = eventTopic(uniqueName('directory'));
    const snapshotTopic = uniqueName('vdx.directory.snapshot');
    const { kafka, settings, db } = bed;
    await ensureTopics(kafka, [eventTopicSpec(topic, 3, 1), compactedTopicSpec(snapshotTopic, 3, 1)]);
    const writer = new AgencyWriter(kafka, settings, { topic, snapshotTopic });
    await writer.start();
    let events = 0;
    const codes = new Set<string>();
    try {
      for (const batch of history()) {
        const outcomes = await writer.executeMany(batch.map((command) => ({ code: command.code, command: () => command })), meta);
        for (const o of outcomes) {
          if (!o.ok) throw o.error;
          events += o.events.length;
          codes.add(o.code);
        }
      }
    } finally {
      await writer.stop();
    }
    const versions = new Map([...codes].map((code) => [code, writer.state(code)!.version]));

    const collection = bed.collectionName('directory_agencies');
    const projection = agencyProjection(uniqueName('directory-agencies'), topic, collection);
    // Every agency at the version the writer reached: the live runner has applied everything.
    await bed.runLive(projection, 'the live projection to apply every directory event', () => versionsAre(db, collection, versions));
    const live = await dumpCollection(db, collection);
    const count = (where: (d: Document) => boolean) => live.filter(where).length;
    expect(live).toHaveLength(6 + 30 + 12);
    expect({ active: count((d) => d['status'] === 'active'), suspended: count((d) => d['status'] === 'suspended'), retired: count((d) => d['status'] === 'retired') }).toEqual({ active: 39, suspended: 3, retired: 6 });
    expect(live.find((d) => d['_id'] === '000.00.05.H10')).toMatchObject({ status: 'retired', successorCode: '000.00.04.H10', retiredReason: 'sáp nhập' });
    expect(live.find((d) => d['_id'] === '000.00.00.H10')).toMatchObject({
      inCharge: 'Văn phòng UBND',
      systems: { qlvb_H10: { systemId: 'qlvb.H10', credentialFingerprint: '00'.repeat(32), endpoint: 'qlvb0.example.vn:7443' } },
    });
    expect(live.find((d) => d['_id'] === '000.02.01.H15')).toMatchObject({ level: 3, ancestors: ['000.00.01.H15', '000.00.00.H15'] });

    const result = await bed.replay(projection);
    // The writer appends in transactions: their commit markers take offsets but are not events.
    expect(result).toMatchObject({ events, undecodable: 0, swapped: false });
    // Every field of every document, `rev` (the change cursor) included.
    await expectReplayedAsLive(db, result.built[collection]!, live);
  });
});
