import { currentTraceHeaders, newRootTrace, traceIdOf, withTraceHeaders } from './trace-context';

describe('trace context', () => {
  it('starts a valid sampled root when nothing is active', () => {
    const t = currentTraceHeaders();
    expect(t.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('continues the trace of incoming headers', () => {
    const parent = newRootTrace();
    const inner = withTraceHeaders(parent, () => currentTraceHeaders());
    expect(traceIdOf(inner)).toBe(traceIdOf(parent));
    expect(traceIdOf(parent)).toBe(parent.traceparent.split('-')[1]);
  });
});
