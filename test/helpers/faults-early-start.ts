/**
 * Starts a slow piece of a test (a read that mostly waits out backoff, a run that needs no other
 * test's result) in beforeAll, so its waiting overlaps the tests that run before it. The test that
 * needs it awaits the promise and asserts there: a failure surfaces in that test, never as an
 * unhandled rejection in between, and no expect() runs outside a test.
 */
export function startEarly<T>(work: () => Promise<T>): Promise<T> {
  const promise = work();
  promise.catch(() => undefined);
  return promise;
}
