// Integration and end-to-end tests: a minute per test and per hook. Each wait inside a test has
// its own, shorter deadline (waitUntil of @vdx/testing), so a test that is stuck fails with what
// it waited for and what it last saw, not with Jest's bare timeout. The few tests that need
// longer (an outage, a restart, a backlog) give their own timeout with the reason beside it;
// a hook that starts services uses AXIS_START_TIMEOUT_MS.
jest.setTimeout(60_000);
