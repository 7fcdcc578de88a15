import { Readable } from 'node:stream';
import {
  parseScanResult,
  ScanResultFormatError,
  type ScanResultItem,
} from '../../../src/powerbi/scan-result-parser.js';

function workspace(i: number) {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Workspace ${i} – Ünïcödé 财务 😀`,
    type: 'Workspace',
    state: 'Active',
    reports: Array.from({ length: 5 }, (_, r) => ({
      id: `r-${i}-${r}`,
      name: `Report "${r}"\n`,
      datasetId: `d-${i}`,
    })),
    datasets: [
      {
        id: `d-${i}`,
        name: 'Sales',
        tables: Array.from({ length: 10 }, (_, t) => ({
          name: `T${t}`,
          columns: Array.from({ length: 8 }, (_, c) => ({
            name: `c${c}`,
            dataType: 'Int64',
            isHidden: c % 2 === 0,
          })),
          measures: [{ name: 'Total', expression: 'SUM(T[c1]) * 1.5e3' }],
          source: [{ expression: 'let Source = Sql.Database("srv", "db") in Source' }],
        })),
        expressions: [{ name: 'Param', expression: '"x" meta [IsParameterQuery=true]' }],
      },
    ],
    users: [{ identifier: 'a@b.c', principalType: 'User', groupUserAccessRight: 'Admin' }],
  };
}

/** Serialises a scan result lazily, in odd-sized byte chunks that split multi-byte characters. */
function generatedBody(count: number, produced: { bytes: number }) {
  function* text(): Generator<string> {
    yield '{"Workspaces":[';
    for (let i = 0; i < count; i += 1) yield (i ? ',' : '') + JSON.stringify(workspace(i));
    yield '],"datasourceInstances":[{"datasourceType":"Sql","connectionDetails":{"server":"srv","database":"db"},"datasourceId":"ds-1"}],';
    yield '"misconfiguredDatasourceInstances":[{"datasourceType":"Web","connectionDetails":{"url":"http://x"}}]}';
  }
  function* bytes(): Generator<Buffer> {
    let pending = Buffer.alloc(0);
    for (const piece of text()) {
      pending = Buffer.concat([pending, Buffer.from(piece, 'utf8')]);
      while (pending.length >= 65_521) {
        produced.bytes += 65_521;
        yield pending.subarray(0, 65_521);
        pending = pending.subarray(65_521);
      }
    }
    produced.bytes += pending.length;
    yield pending;
  }
  return Readable.from(bytes());
}

async function collect(body: AsyncIterable<Buffer | string>): Promise<ScanResultItem[]> {
  const items: ScanResultItem[] = [];
  for await (const item of parseScanResult(body)) items.push(item);
  return items;
}

describe('parseScanResult', () => {
  it('streams a large scan result: every workspace, intact, yielded long before the body ends', async () => {
    const count = 4000;
    const produced = { bytes: 0 };
    const body = generatedBody(count, produced);
    const workspaces: string[] = [];
    const instances: Array<{ misconfigured: boolean; type: unknown }> = [];
    let bytesAtFirst = -1;
    let bytesAfterPause = -1;
    for await (const item of parseScanResult(body)) {
      if (item.kind === 'workspace') {
        if (workspaces.length === 0) {
          bytesAtFirst = produced.bytes;
          // The consumer dawdles: backpressure must stop the producer from running ahead.
          for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
          bytesAfterPause = produced.bytes;
        }
        if (workspaces.length === 1234) expect(item.workspace).toEqual(workspace(1234));
        workspaces.push(item.workspace.id);
      } else if (item.kind === 'datasource-instance') {
        instances.push({ misconfigured: item.misconfigured, type: item.instance.datasourceType });
      }
    }
    const total = produced.bytes;
    expect(total).toBeGreaterThan(20_000_000);
    expect(workspaces).toEqual(Array.from({ length: count }, (_, i) => workspace(i).id));
    expect(instances).toEqual([
      { misconfigured: false, type: 'Sql' },
      { misconfigured: true, type: 'Web' },
    ]);
    expect(bytesAtFirst).toBeLessThan(total / 20);
    expect(bytesAfterPause).toBeLessThan(total / 10);
  }, 120_000);

  it('rejects a truncated body', async () => {
    const text = JSON.stringify({ workspaces: [workspace(1), workspace(2)] });
    const items: ScanResultItem[] = [];
    const run = async () => {
      for await (const item of parseScanResult(Readable.from([Buffer.from(text.slice(0, text.length - 40))])))
        items.push(item);
    };
    await expect(run()).rejects.toBeInstanceOf(ScanResultFormatError);
    expect(items.map((i) => i.kind)).toEqual(['workspace']);
  });

  it('rejects malformed JSON and a body that is not an object', async () => {
    await expect(collect(Readable.from(['{"workspaces":[{"id":"a",}]}']))).rejects.toBeInstanceOf(
      ScanResultFormatError,
    );
    await expect(collect(Readable.from(['[1,2]']))).rejects.toBeInstanceOf(ScanResultFormatError);
    await expect(collect(Readable.from(['']))).rejects.toBeInstanceOf(ScanResultFormatError);
  });

  it('reports null, id-less and non-object elements, skips unknown keys, and tolerates a null array', async () => {
    const text =
      '{"extra":{"workspaces":[{"id":"nested"}]},"workspaces":[null,{"name":"no id"},[1],{"Id":"ok"},7],' +
      '"datasourceInstances":null}';
    const items = await collect(Readable.from([text]));
    expect(items).toEqual([
      { kind: 'malformed', array: 'workspaces', detail: 'a nullValue instead of an object' },
      { kind: 'malformed', array: 'workspaces', detail: 'a workspace without an id' },
      { kind: 'malformed', array: 'workspaces', detail: 'an array instead of an object' },
      { kind: 'workspace', workspace: { Id: 'ok', id: 'ok' } },
      { kind: 'malformed', array: 'workspaces', detail: 'a numberValue instead of an object' },
    ]);
  });
});
