/**
 * Runs `work` over the items, at most `size` at a time, and yields each result as soon as it
 * settles. After a failure no new item starts; the first failure is thrown once every started item
 * has settled (their results are still yielded).
 */
export async function* inParallel<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  type Settled = { index: number } & ({ value: R } | { error: unknown });
  const running = new Map<number, Promise<Settled>>();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const start = (): void => {
    const index = next++;
    running.set(
      index,
      work(items[index] as T).then(
        (value) => ({ index, value }),
        (error: unknown) => ({ index, error }),
      ),
    );
  };
  while (next < Math.min(size, items.length)) start();
  while (running.size > 0) {
    const settled = await Promise.race(running.values());
    running.delete(settled.index);
    if ('error' in settled) failure ??= { error: settled.error };
    if (failure === undefined && next < items.length) start();
    if ('value' in settled) yield settled.value;
  }
  if (failure !== undefined) throw failure.error;
}
