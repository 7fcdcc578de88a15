/**
 * The stream tables of the docs against the registry: every registered stream is documented once,
 * with its primary key (and its cursor where the table has a cursor column), and nothing else is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiStreams, scanStreams, streams } from '../../../src/streams/registry.js';
import type { StreamDefinition } from '../../../src/streams/stream.js';
import { repoRoot } from '../../helpers/paths.js';

interface Row {
  stream: string;
  key: string[];
  cursor?: string[];
}

const fields = (cell: string): string[] => [...cell.matchAll(/`([A-Za-z_]+)`/g)].map((m) => m[1]!);

/** The rows of every table in `section` of `file` whose first column is a stream name. */
function rows(file: string, section?: string): Row[] {
  let text = readFileSync(path.join(repoRoot, file), 'utf8');
  if (section !== undefined) {
    const start = text.indexOf(`\n## ${section}\n`);
    expect(start).toBeGreaterThan(0);
    const end = text.indexOf('\n## ', start + 1);
    text = text.slice(start, end < 0 ? undefined : end);
  }
  const found: Row[] = [];
  let header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      header = [];
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (header.length === 0) {
      header = cells;
      continue;
    }
    const stream = /^`([a-z_]+)`$/.exec(cells[0] ?? '')?.[1];
    const keyAt = header.findIndex((h) => h === 'primary key' || h === 'key');
    if (stream === undefined || keyAt < 0) continue;
    const cursorAt = header.findIndex((h) => h === 'cursor field' || h === 'cursor');
    found.push({
      stream,
      key: fields(cells[keyAt]!),
      ...(cursorAt >= 0 && { cursor: fields(cells[cursorAt]!) }),
    });
  }
  return found;
}

function expectDocumented(documented: Row[], expected: readonly StreamDefinition[]): void {
  expect(documented.map((r) => r.stream).sort()).toEqual(expected.map((s) => s.name).sort());
  for (const row of documented) {
    const stream = expected.find((s) => s.name === row.stream)!;
    expect({ stream: row.stream, key: row.key }).toEqual({
      stream: row.stream,
      key: stream.primaryKey.map(([field]) => field),
    });
    if (row.cursor)
      expect({ stream: row.stream, cursor: row.cursor }).toEqual({
        stream: row.stream,
        cursor: stream.cursorField,
      });
  }
}

describe('stream tables in the docs', () => {
  test('README lists every registered stream with its key, and the cursor of api streams', () => {
    expectDocumented(rows('README.md', 'Streams'), streams);
    expect(
      rows('README.md', 'Streams')
        .filter((r) => r.cursor)
        .map((r) => r.stream)
        .sort(),
    ).toEqual(apiStreams.map((s) => s.name).sort());
  });

  test('docs/streams.md lists every scan stream; docs/usage-streams.md every api stream', () => {
    expectDocumented(rows('docs/streams.md'), scanStreams);
    expectDocumented(rows('docs/usage-streams.md'), apiStreams);
  });
});
