import { OtelCollector, otelCollectorManifest, parseCollectedSpans } from './otel-collector';

describe('the local OpenTelemetry Collector', () => {
  it('is built from the OTLP receiver and the file and debug exporters of one release', () => {
    const manifest = otelCollectorManifest('v0.161.0', '/build/dist');
    expect(manifest).toContain('  output_path: "/build/dist"');
    expect(manifest.match(/gomod: \S+ v0\.161\.0/g)).toEqual([
      'gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.161.0',
      'gomod: go.opentelemetry.io/collector/exporter/debugexporter v0.161.0',
      'gomod: github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter v0.161.0',
    ]);
  });

  it('listens on loopback only and writes every span to its file', () => {
    const c = new OtelCollector({ dir: '/run/otel', httpPort: 4318, grpcPort: 4317, metricsPort: 8888 });
    const config = c.config();
    expect(config).toContain('grpc: { endpoint: "127.0.0.1:4317" }');
    expect(config).toContain('http: { endpoint: "127.0.0.1:4318" }');
    expect(config).toContain('prometheus: { host: "127.0.0.1", port: 8888 }');
    expect(config).toContain(`path: "/run/otel/traces.jsonl"`);
    expect(config).toContain('exporters: [file, debug]');
    expect([c.endpoint, c.grpcEndpoint, c.metricsUrl, c.tracesFile]).toEqual(['http://127.0.0.1:4318', '127.0.0.1:4317', 'http://127.0.0.1:8888/metrics', '/run/otel/traces.jsonl']);
  });

  it('reads the file exporter\'s OTLP/JSON lines, skipping a line still being written', () => {
    const line = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'routing' } }] },
          scopeSpans: [
            {
              spans: [
                { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), name: 'process t', kind: 5, attributes: [{ key: 'messaging.kafka.offset', value: { intValue: '7' } }, { key: 'ok', value: { boolValue: true } }] },
                { traceId: 'a'.repeat(32), spanId: 'd'.repeat(16), name: 'root', kind: 2, links: [{ traceId: 'e'.repeat(32), spanId: 'f'.repeat(16) }] },
              ],
            },
          ],
        },
      ],
    });
    const spans = parseCollectedSpans(`${line}\n${line.slice(0, 40)}`);
    expect(spans).toEqual([
      { service: 'routing', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), name: 'process t', kind: 5, attributes: { 'messaging.kafka.offset': 7, ok: true }, links: [] },
      { service: 'routing', traceId: 'a'.repeat(32), spanId: 'd'.repeat(16), parentSpanId: '', name: 'root', kind: 2, attributes: {}, links: [{ traceId: 'e'.repeat(32), spanId: 'f'.repeat(16) }] },
    ]);
  });
});
