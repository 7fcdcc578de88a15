/** What the main thread and a lineage worker send each other. */
import type { MExpressionInput, MLineageResult } from './types.js';

export interface WorkerRequest {
  id: number;
  input: MExpressionInput;
}

export type WorkerReply = { id: number; result: MLineageResult } | { id: number; error: string };
