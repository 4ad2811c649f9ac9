import { kafkaPartition, murmur2 } from './kafka-partition';

describe('murmur2 and kafkaPartition', () => {
  // The vectors of the Kafka client's own murmur2 test (UtilsTest).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('murmur2(%s) = %d', (key, hash) => {
    expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('maps a key to the positive hash modulo the partition count', () => {
    expect(kafkaPartition('21', 3)).toBe((-973932308 & 0x7fffffff) % 3);
    expect(new Set(Array.from({ length: 30 }, (_, i) => kafkaPartition(`k${i}`, 3)))).toEqual(new Set([0, 1, 2]));
  });
});
