/**
 * One sync's records, one newline-delimited JSON file per stream, as a destination's staging area.
 * Each line is the record plus `_ab_sync` (which sync brought it) and `_ab_hash` (a digest of the
 * record without `scannedAt`, so a re-emitted but unchanged row can be told from an updated one).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface RecordFiles {
  write(stream: string, data: Record<string, unknown>): void | Promise<void>;
  /** Closes every file; returns the file of each stream that received records. */
  close(): Promise<Map<string, string>>;
}

export function contentHash(data: Record<string, unknown>): string {
  const { scannedAt: _scannedAt, ...content } = data;
  return createHash('sha1').update(JSON.stringify(content)).digest('hex');
}

export async function openRecordFiles(dir: string, sync: number): Promise<RecordFiles> {
  await mkdir(dir, { recursive: true });
  const files = new Map<string, { file: string; out: WriteStream }>();
  const open = (stream: string) => {
    let entry = files.get(stream);
    if (!entry) {
      const file = path.join(dir, `${stream}.jsonl`);
      entry = { file, out: createWriteStream(file) };
      files.set(stream, entry);
    }
    return entry.out;
  };
  return {
    write(stream, data) {
      const line = JSON.stringify({ ...data, _ab_sync: sync, _ab_hash: contentHash(data) });
      const out = open(stream);
      if (out.write(`${line}\n`)) return;
      return new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    async close() {
      const closing = [...files.values()].map(
        ({ out }) =>
          new Promise<void>((resolve, reject) =>
            out.end((error?: Error | null) => (error ? reject(error) : resolve())),
          ),
      );
      await Promise.all(closing);
      return new Map([...files].map(([stream, { file }]) => [stream, file]));
    },
  };
}
