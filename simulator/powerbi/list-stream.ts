import type { ServerResponse } from 'node:http';
import { pbiHeaders, writeChunk } from './http.js';

/** Writes `{"@odata.context": ..., "value": [...]}` item by item (admin/groups can be huge). */
export async function streamODataList(
  res: ServerResponse,
  context: string,
  items: Iterable<unknown>,
): Promise<void> {
  res.writeHead(200, pbiHeaders());
  await writeChunk(res, `{"@odata.context":${JSON.stringify(context)},"value":[`);
  let first = true;
  for (const item of items) {
    await writeChunk(res, (first ? '' : ',') + JSON.stringify(item));
    first = false;
  }
  await writeChunk(res, ']}');
  res.end();
}
