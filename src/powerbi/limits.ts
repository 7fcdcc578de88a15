/**
 * Limits on what is read from the network, so a hostile or broken answer costs a classified error
 * (or one failed workspace), never the process's memory or an endless read. docs/reliability.md
 * ("Limits on what is read from the network") lists them with what happens when one is exceeded.
 */

const KIB = 1024;
const MIB = 1024 * KIB;

export interface BodyLimits {
  /** A JSON answer (every call but scan results), counted as it arrives. */
  jsonBodyBytes: number;
  /** Nesting of a JSON answer (objects and arrays). */
  jsonDepth: number;
  /** An error answer: only this much is read (the error code and message are in its first bytes). */
  errorBodyBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  jsonBodyBytes: 32 * MIB,
  jsonDepth: 64,
  errorBodyBytes: 64 * KIB,
};

/** Per element of a scan result's arrays (a workspace, a datasource instance); counted in characters. */
export interface ScanResultLimits {
  /** JSON text of one element. */
  elementChars: number;
  /** Nesting, counted from the top of the document. */
  depth: number;
  /** One string or key. */
  stringChars: number;
  /** One number (or other bare literal). */
  numberChars: number;
}

export const DEFAULT_SCAN_RESULT_LIMITS: ScanResultLimits = {
  elementChars: 64 * MIB,
  depth: 64,
  stringChars: 16 * MIB,
  numberChars: 1024,
};

export interface Deadlines {
  /** A JSON call, from sending the request to the last byte of the answer. */
  jsonMs: number;
  /** A streamed scan result, likewise; time the consumer holds the body back does not count. */
  streamMs: number;
}

/**
 * Defaults derived from request_timeout_seconds (which bounds silence, not the whole answer): a JSON
 * call gets the request timeout as a whole, a scan result (hundreds of MB at most) ten times that,
 * and at least 30 minutes.
 */
export function defaultDeadlines(requestTimeoutMs: number): Deadlines {
  return { jsonMs: requestTimeoutMs, streamMs: Math.max(10 * requestTimeoutMs, 30 * 60_000) };
}

/** "32 MiB", "64 KiB", "1,000 bytes": for messages. */
export function formatSize(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes.toLocaleString('en-US')} bytes`;
}

/** "16 Mi characters": for messages about scan results (counted in characters, not bytes). */
export function formatChars(chars: number): string {
  if (chars >= MIB && chars % MIB === 0) return `${chars / MIB} Mi characters`;
  return `${chars.toLocaleString('en-US')} characters`;
}
