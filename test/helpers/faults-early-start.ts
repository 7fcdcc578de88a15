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

/**
 * A queue of such pieces that must not overlap each other (reads sharing one simulator's fault
 * script): each starts as soon as the one queued before it settled.
 */
export function inSequence(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const previous = last;
    const next = startEarly(async () => {
      await previous.catch(() => undefined);
      return work();
    });
    last = next;
    return next;
  };
}
