/** What the main thread and a lineage worker send each other. */
import type { MExpressionInput, MLineageResult } from '../types.js';

export interface WorkerRequest {
  id: number;
  inputs: MExpressionInput[];
}

export type WorkerReply = { id: number; results: MLineageResult[] } | { id: number; error: string };
