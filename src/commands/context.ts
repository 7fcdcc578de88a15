import type { Redactor } from '../protocol/redactor.js';

/** What every command gets from main: the run's redactor and a channel for human-readable progress. */
export interface CommandContext {
  redactor: Redactor;
  /** Writes a line for humans on stderr (never stdout). */
  progress: (line: string) => void;
  /** Redraws one live status line on stderr; only called when `interactive`. */
  liveStatus: (line: string) => void;
  /** True when stderr is a terminal, so a live progress line may be drawn. */
  interactive: boolean;
  /** Aborted when the process is asked to stop (SIGTERM/SIGINT). */
  signal?: AbortSignal;
}
