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
 * Per-stream protocol bookkeeping: STARTED once, RUNNING before the first record (and at least
 * once, even for an empty stream), record counts since the stream's last STATE, COMPLETE/INCOMPLETE.
 */
export class StreamEmitter {
  private running = false;
  private sinceState = 0;
  private total = 0;

  constructor(
    readonly name: string,
    private readonly emit: Emit,
  ) {}

  get recordCount(): number {
    return this.total;
  }

  started(): Promise<void> {
    return this.emit(streamStatusMessage(this.name, 'STARTED'));
  }

  async estimate(rows: number): Promise<void> {
    await this.emit(estimateMessage(this.name, rows));
  }

  async record(data: JsonObject): Promise<void> {
    await this.ensureRunning();
    this.sinceState += 1;
    this.total += 1;
    await this.emit(recordMessage(this.name, data));
  }

  async state(streamState: JsonObject): Promise<void> {
    await this.emit(streamStateMessage(this.name, streamState, this.sinceState));
    this.sinceState = 0;
  }

  async complete(): Promise<void> {
    await this.ensureRunning();
    await this.emit(streamStatusMessage(this.name, 'COMPLETE'));
  }

  incomplete(): Promise<void> {
    return this.emit(streamStatusMessage(this.name, 'INCOMPLETE'));
  }

  private async ensureRunning(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.emit(streamStatusMessage(this.name, 'RUNNING'));
  }
}
