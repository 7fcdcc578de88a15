import {
  estimateMessage,
  recordMessage,
  streamStateMessage,
  streamStatusMessage,
  type AirbyteMessage,
  type JsonObject,
} from '../../protocol/messages.js';

type Emit = (message: AirbyteMessage) => Promise<void>;

/**
 * Where a stream is in its read: `waiting` (STARTED only: the read has not reached it), `reading`
 * (its read began, no record yet), `running` (RUNNING sent), `done` (COMPLETE or INCOMPLETE sent).
 */
type Phase = 'waiting' | 'reading' | 'running' | 'done';

/**
 * Per-stream protocol bookkeeping: STARTED once, RUNNING before the first record (and at least
 * once before COMPLETE, even for an empty stream), record counts since the stream's last STATE,
 * then COMPLETE or INCOMPLETE once. Nothing of a stream goes out after its COMPLETE/INCOMPLETE.
 */
export class StreamEmitter {
  private phase: Phase = 'waiting';
  private sinceState = 0;
  private total = 0;

  constructor(
    readonly name: string,
    private readonly emit: Emit,
  ) {}

  get recordCount(): number {
    return this.total;
  }

  /** True once COMPLETE or INCOMPLETE went out. */
  get finished(): boolean {
    return this.phase === 'done';
  }

  started(): Promise<void> {
    return this.emit(streamStatusMessage(this.name, 'STARTED'));
  }

  /** The read reached this stream (no message: RUNNING waits for the first record). */
  begin(): void {
    if (this.phase === 'waiting') this.phase = 'reading';
  }

  async estimate(rows: number): Promise<void> {
    this.assertOpen('ESTIMATE');
    await this.emit(estimateMessage(this.name, rows));
  }

  /** No async frame of its own once RUNNING went out: the read calls this once per record. */
  record(data: JsonObject): Promise<void> {
    if (this.phase !== 'running') return this.recordNotRunning(data);
    this.sinceState += 1;
    this.total += 1;
    return this.emit(recordMessage(this.name, data));
  }

  /** The first record (RUNNING goes out before it), or one after the final status (refused). */
  private async recordNotRunning(data: JsonObject): Promise<void> {
    this.assertOpen('RECORD');
    await this.ensureRunning();
    await this.record(data);
  }

  async state(streamState: JsonObject): Promise<void> {
    this.assertOpen('STATE');
    await this.emit(streamStateMessage(this.name, streamState, this.sinceState));
    this.sinceState = 0;
  }

  /**
   * A RUNNING with a RATE_LIMITED reason while a wait holds this stream's read; only for a stream
   * being read (one the read has not reached, or that is finished, is not held by it).
   */
  rateLimited(untilMs: number, offer: (message: AirbyteMessage) => void): void {
    if (this.phase !== 'reading' && this.phase !== 'running') return;
    this.phase = 'running';
    offer(streamStatusMessage(this.name, 'RUNNING', untilMs));
  }

  async complete(): Promise<void> {
    this.assertOpen('COMPLETE');
    await this.ensureRunning();
    this.phase = 'done';
    await this.emit(streamStatusMessage(this.name, 'COMPLETE'));
  }

  /** Ends a stream that failed or was never reached; a finished stream keeps its status. */
  async incomplete(): Promise<void> {
    if (this.phase === 'done') return;
    this.phase = 'done';
    await this.emit(streamStatusMessage(this.name, 'INCOMPLETE'));
  }

  private async ensureRunning(): Promise<void> {
    if (this.phase === 'running') return;
    this.phase = 'running';
    await this.emit(streamStatusMessage(this.name, 'RUNNING'));
  }

  /** The protocol allows nothing of a stream after its final status: reaching here is a bug. */
  private assertOpen(what: string): void {
    if (this.phase === 'done') throw new Error(`${what} for stream ${this.name} after its final status`);
  }
}
