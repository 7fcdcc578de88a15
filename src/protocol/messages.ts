/**
 * Typed builders for the Airbyte protocol messages a source emits. Shapes follow the official
 * airbyte_protocol.yaml (AirbyteMessage and friends); every builder stamps emitted_at in epoch ms.
 */
import type { FailureType } from '../errors.js';

export type JsonObject = Record<string, unknown>;
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type SyncMode = 'full_refresh' | 'incremental';

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: JsonObject;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface StreamStatePayload {
  stream_descriptor: StreamDescriptor;
  stream_state?: JsonObject;
}

export type AirbyteMessage =
  | { type: 'SPEC'; spec: JsonObject }
  | { type: 'CONNECTION_STATUS'; connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string } }
  | { type: 'CATALOG'; catalog: { streams: AirbyteStream[] } }
  | { type: 'RECORD'; record: { stream: string; data: JsonObject; emitted_at: number } }
  | {
      type: 'STATE';
      state: { type: 'STREAM'; stream: StreamStatePayload; sourceStats: { recordCount: number } };
    }
  | { type: 'LOG'; log: { level: LogLevel; message: string; stack_trace?: string } }
  | { type: 'TRACE'; trace: TracePayload }
  | {
      type: 'CONTROL';
      control: { type: 'CONNECTOR_CONFIG'; emitted_at: number; connectorConfig: { config: JsonObject } };
    };

export type TracePayload =
  | {
      type: 'ERROR';
      emitted_at: number;
      error: {
        message: string;
        internal_message?: string;
        stack_trace?: string;
        failure_type: FailureType;
        stream_descriptor?: StreamDescriptor;
      };
    }
  | {
      type: 'STREAM_STATUS';
      emitted_at: number;
      stream_status: {
        stream_descriptor: StreamDescriptor;
        status: StreamStatus;
        reasons?: { type: 'RATE_LIMITED'; rate_limited?: { quota_reset?: number } }[];
      };
    }
  | {
      type: 'ESTIMATE';
      emitted_at: number;
      estimate: { name: string; type: 'STREAM' | 'SYNC'; row_estimate?: number; byte_estimate?: number };
    };

/** Epoch milliseconds as an integer; the protocol schema rejects fractions. */
export function nowMs(): number {
  return Math.trunc(Date.now());
}

export function specMessage(spec: JsonObject): AirbyteMessage {
  return { type: 'SPEC', spec };
}

export function connectionStatusMessage(status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage {
  return {
    type: 'CONNECTION_STATUS',
    connectionStatus: message === undefined ? { status } : { status, message },
  };
}

export function catalogMessage(streams: AirbyteStream[]): AirbyteMessage {
  return { type: 'CATALOG', catalog: { streams } };
}

export function recordMessage(stream: string, data: JsonObject, emittedAt = nowMs()): AirbyteMessage {
  return { type: 'RECORD', record: { stream, data, emitted_at: emittedAt } };
}

export function streamStateMessage(
  stream: string,
  streamState: JsonObject,
  recordCount: number,
): AirbyteMessage {
  return {
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      sourceStats: { recordCount },
    },
  };
}

export function logMessage(level: LogLevel, message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export interface ErrorTraceInput {
  message: string;
  failureType: FailureType;
  internalMessage?: string;
  stackTrace?: string;
  stream?: string;
}

export function errorTraceMessage(input: ErrorTraceInput): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: nowMs(),
      error: {
        message: input.message,
        failure_type: input.failureType,
        ...(input.internalMessage === undefined ? {} : { internal_message: input.internalMessage }),
        ...(input.stackTrace === undefined ? {} : { stack_trace: input.stackTrace }),
        ...(input.stream === undefined ? {} : { stream_descriptor: { name: input.stream } }),
      },
    },
  };
}

export function streamStatusMessage(
  stream: string,
  status: StreamStatus,
  rateLimitedUntilMs?: number,
): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: nowMs(),
      stream_status: {
        stream_descriptor: { name: stream },
        status,
        ...(rateLimitedUntilMs === undefined
          ? {}
          : {
              reasons: [{ type: 'RATE_LIMITED' as const, rate_limited: { quota_reset: rateLimitedUntilMs } }],
            }),
      },
    },
  };
}

export function estimateMessage(stream: string, rowEstimate: number): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ESTIMATE',
      emitted_at: nowMs(),
      estimate: { name: stream, type: 'STREAM', row_estimate: Math.max(0, Math.round(rowEstimate)) },
    },
  };
}

export function configControlMessage(config: JsonObject): AirbyteMessage {
  return {
    type: 'CONTROL',
    control: { type: 'CONNECTOR_CONFIG', emitted_at: nowMs(), connectorConfig: { config } },
  };
}
