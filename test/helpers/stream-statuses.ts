/**
 * The protocol's order rules for one stream's messages (docs: PROTOCOL-NOTES "STREAM_STATUS"):
 * STARTED first, RUNNING before the first record, one final COMPLETE or INCOMPLETE, nothing of the
 * stream after it, and a STATE before COMPLETE.
 */
import type { Message } from './read-run.js';

export interface StreamFate {
  statuses: string[];
  final: string | undefined;
  /** Index in the run's messages of the final status (-1: none). */
  finalAt: number;
  /** The stream's last STATE payload before its final status. */
  lastState: Record<string, unknown> | undefined;
  records: number;
}

/** The stream a message belongs to (RECORD, STATE, STREAM_STATUS, ESTIMATE), if any. */
export function streamOf(message: Message): string | undefined {
  if (message.type === 'RECORD') return (message.record as { stream: string }).stream;
  if (message.type === 'STATE')
    return (message.state as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor
      .name;
  if (message.type !== 'TRACE') return undefined;
  const trace = message.trace as {
    type: string;
    stream_status?: { stream_descriptor: { name: string } };
    estimate?: { name: string };
  };
  if (trace.type === 'STREAM_STATUS') return trace.stream_status!.stream_descriptor.name;
  if (trace.type === 'ESTIMATE') return trace.estimate!.name;
  return undefined;
}

export function statusOf(message: Message): string | undefined {
  if (message.type !== 'TRACE') return undefined;
  const trace = message.trace as { type: string; stream_status?: { status: string } };
  return trace.type === 'STREAM_STATUS' ? trace.stream_status!.status : undefined;
}

/** Index of the first message of `stream` matching `is`, or -1. */
export function firstIndex(messages: Message[], stream: string, is: (m: Message) => boolean): number {
  return messages.findIndex((m) => streamOf(m) === stream && is(m));
}

/** The stream's fate, and every order rule it breaks (an empty list when it keeps them all). */
export function streamFate(messages: Message[], stream: string): { fate: StreamFate; problems: string[] } {
  const problems: string[] = [];
  const statuses: string[] = [];
  let finalAt = -1;
  let lastState: Record<string, unknown> | undefined;
  let statesBeforeFinal = 0;
  let records = 0;
  messages.forEach((message, index) => {
    if (streamOf(message) !== stream) return;
    if (finalAt >= 0)
      problems.push(`${stream}: ${String(message.type)} ${statusOf(message) ?? ''} after its final status`);
    const status = statusOf(message);
    if (status) {
      if (statuses.length === 0 && status !== 'STARTED') problems.push(`${stream}: first status ${status}`);
      if (statuses.length > 0 && status === 'STARTED') problems.push(`${stream}: STARTED twice`);
      statuses.push(status);
      if (status === 'COMPLETE' || status === 'INCOMPLETE') finalAt = index;
      return;
    }
    if (message.type === 'RECORD') {
      records += 1;
      if (!statuses.includes('RUNNING')) problems.push(`${stream}: RECORD before RUNNING`);
    }
    if (message.type === 'STATE') {
      statesBeforeFinal += 1;
      lastState = (message.state as { stream: { stream_state: Record<string, unknown> } }).stream
        .stream_state;
    }
  });
  const final = finalAt >= 0 ? statuses.at(-1) : undefined;
  if (final === undefined) problems.push(`${stream}: no COMPLETE or INCOMPLETE`);
  if (final === 'COMPLETE' && statesBeforeFinal === 0) problems.push(`${stream}: COMPLETE without a STATE`);
  if (final === 'COMPLETE' && !statuses.includes('RUNNING'))
    problems.push(`${stream}: COMPLETE without RUNNING`);
  return { fate: { statuses, final, finalAt, lastState, records }, problems };
}
