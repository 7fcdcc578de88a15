/** What `push` returns when there was room: one settled promise for every such call. */
const QUEUED: Promise<void> = Promise.resolve();

/**
 * A bounded async queue between producers (the sync loop and callbacks such as rate-limit waits)
 * and the one consumer that writes stdout. Producers await `push` when the queue is full, so a slow
 * stdout slows the sync instead of growing memory; callbacks use `offer`, which never blocks.
 * A producer held back resumes once the queue is down to half: woken for every item taken, it
 * would pay a promise per item whenever the consumer is the slower side.
 */

export class MessageChannel<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: Error | undefined;
  private wakeConsumer: (() => void) | undefined;
  private readonly waitingProducers: (() => void)[] = [];

  constructor(private readonly capacity = 256) {}

  push(item: T): Promise<void> {
    if (this.items.length < this.capacity || this.closed) {
      this.offer(item);
      return QUEUED;
    }
    return this.pushWhenRoom(item);
  }

  private async pushWhenRoom(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.waitingProducers.push(resolve));
    }
    this.offer(item);
  }

  /** Enqueues without waiting (for rare messages from callbacks that cannot await). */
  offer(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake();
  }

  close(failure?: Error): void {
    this.closed = true;
    this.failure = failure;
    this.wake();
    this.wakeProducers();
  }

  private wakeProducers(): void {
    this.waitingProducers.splice(0).forEach((resolve) => resolve());
  }

  async *drain(): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        if (this.waitingProducers.length > 0 && this.items.length <= this.capacity / 2) this.wakeProducers();
        yield item;
        continue;
      }
      if (this.closed) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }
}
