import type { JsonObject } from './messages.js';

export interface ParsedState {
  /** Latest stream_state per stream name; absent or null states are left out (stream was reset). */
  streams: Map<string, JsonObject>;
  /** Human-readable notes about state that was ignored, to be logged as warnings. */
  warnings: string[];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the --state input: an array of STREAM state messages (or their `state` payloads). An empty
 * array, an empty object or no file means no state. Anything else that cannot be read is ignored
 * with a warning, so the affected streams start from scratch rather than skip data.
 */
export function parseInputState(raw: unknown): ParsedState {
  const streams = new Map<string, JsonObject>();
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { streams, warnings };
  if (isObject(raw) && Object.keys(raw).length === 0) return { streams, warnings };
  if (!Array.isArray(raw)) {
    warnings.push(
      'The input state is not an array of STREAM state messages (LEGACY state?); ignoring it: every stream starts from scratch.',
    );
    return { streams, warnings };
  }
  (raw as unknown[]).forEach((entry, index) => {
    const payload = isObject(entry) && isObject(entry.state) ? entry.state : entry;
    if (!isObject(payload) || payload.type !== 'STREAM' || !isObject(payload.stream)) {
      warnings.push(`Input state entry ${index} is not a STREAM state; ignored.`);
      return;
    }
    const descriptor = payload.stream.stream_descriptor;
    if (!isObject(descriptor) || typeof descriptor.name !== 'string') {
      warnings.push(`Input state entry ${index} has no stream_descriptor.name; ignored.`);
      return;
    }
    const streamState = payload.stream.stream_state;
    if (streamState === undefined || streamState === null) {
      streams.delete(descriptor.name);
      return;
    }
    if (!isObject(streamState)) {
      warnings.push(
        `Input state for stream "${descriptor.name}" is not an object; that stream starts from scratch.`,
      );
      return;
    }
    streams.set(descriptor.name, streamState);
  });
  return { streams, warnings };
}
