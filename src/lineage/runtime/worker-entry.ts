/**
 * A lineage worker thread: receives table expressions, answers with their lineage. Its cache lives
 * as long as the worker (the sync), like the in-thread analyser's.
 */
import { parentPort } from 'node:worker_threads';
import { analyseInOrderAsJson } from './analyser.js';
import { LineageCache } from '../analysis/lineage-cache.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

const cache = new LineageCache();
const port = parentPort;
if (port === null) throw new Error('worker-entry runs only as a worker thread');

async function answer(request: WorkerRequest): Promise<WorkerReply> {
  try {
    return { id: request.id, results: await analyseInOrderAsJson(request.inputs, cache) };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

// One analysis at a time: interleaved parses would hold many parser states at once and miss the
// cache for repeats that arrive together.
let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(() => answer(request)).then((reply) => port.postMessage(reply));
});
