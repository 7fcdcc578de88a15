import type { Clock } from '../../../src/powerbi/clock.js';

/**
 * A clock for scheduler tests only. In auto mode a sleep completes at once by moving time forward;
 * in manual mode sleeps complete when advance() passes their due time.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private timers: Array<{ due: number; resolve: () => void }> = [];
  constructor(
    public current = Date.parse('2026-11-28T09:00:00Z'),
    private readonly auto = true,
  ) {}
  now(): number {
    return this.current;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    if (this.auto) {
      this.current += ms;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.timers.push({ due: this.current + ms, resolve }));
  }
  async advance(ms: number): Promise<void> {
    this.current += ms;
    const due = this.timers.filter((t) => t.due <= this.current);
    this.timers = this.timers.filter((t) => t.due > this.current);
    for (const timer of due) timer.resolve();
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  }
}
