/** What the main thread and a lineage worker send each other. */
import type { MExpressionInput } from '../types.js';

export interface WorkerRequest {
  id: number;
  inputs: MExpressionInput[];
}

/** `results`: the MLineageResult[] of the request's inputs, as JSON text. */
export type WorkerReply = { id: number; results: string } | { id: number; error: string };
