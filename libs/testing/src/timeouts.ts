// The timeouts of the int and e2e tests that need more than the minute every test and hook has
// (tools/dev/jest-slow-setup.js), one constant per reason, so the reason stays beside the
// number. Each covers the deadlines of the waits inside its test with room to spare: a stuck
// test then fails in its wait, with what it waited for and what it last saw, not with Jest's
// bare timeout. A `beforeAll` that starts an axis uses `AXIS_START_TIMEOUT_MS` of
// `@vdx/testing/axis`.

/**
 * The deadline of the wait for a killed service or worker process to answer again (the
 * `timeoutMs` of `axis.restart`, as long as the harness gives a boot): on a loaded two-core machine
 * a Node process compiles and boots afresh for up to three minutes.
 */
export const RESTART_READY_TIMEOUT_MS = 180_000;

/**
 * A test that kills a service or a worker process and starts it again:
 * {@link RESTART_READY_TIMEOUT_MS} for the restart and two minutes for the waits around it
 * (the work before the kill, the backlog after it).
 */
export const RESTART_TEST_TIMEOUT_MS = RESTART_READY_TIMEOUT_MS + 120_000;

/**
 * A test that stops the broker or the store and starts it again: the part's own stop and start,
 * a send refused within 90 s of a broker outage, the clients' reconnect backoff, and the backlog
 * delivered after (a wait of up to two minutes).
 */
export const OUTAGE_TEST_TIMEOUT_MS = 330_000;

/**
 * A test that pushes a backlog of thousands of events through the services (10,000 packages
 * behind an urgent one): the publishing and a wait of up to three minutes for the result.
 */
export const BACKLOG_TEST_TIMEOUT_MS = 240_000;
