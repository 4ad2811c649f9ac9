import { isUrgentLane, laneOf, laneTopic, laneTopics, withLanes } from './topics';

describe('priority lanes', () => {
  it('puts Priority 1–4 (khẩn … hỏa tốc hẹn giờ) in the urgent lane and everything else in the normal one', () => {
    expect(['1', '2', '3', '4'].map(laneOf)).toEqual(['urgent', 'urgent', 'urgent', 'urgent']);
    expect(['0', null, undefined, '', '5', 'khẩn', ' 1'].map(laneOf)).toEqual(['normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'normal']);
  });

  it('names the urgent twin of a topic, and lists both lanes urgent first, once each', () => {
    expect(laneTopic('vdx.gateway.events.v1', 'normal')).toBe('vdx.gateway.events.v1');
    expect(laneTopic('vdx.gateway.events.v1', 'urgent')).toBe('vdx.gateway.events.v1.urgent');
    expect(laneTopics('t')).toEqual(['t.urgent', 't']);
    expect(withLanes(['a', 'b', 'a'])).toEqual(['a.urgent', 'a', 'b.urgent', 'b']);
    expect(isUrgentLane('a.urgent')).toBe(true);
    expect(isUrgentLane('a')).toBe(false);
  });
});
