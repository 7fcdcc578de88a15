/**
 * Payload corruption for bad-input tests: well-formed HTTP answers whose JSON is odd in the ways
 * real payloads are (unknown fields, null items, omitted empty arrays, bytes that are not UTF-8,
 * an artifact or workspace listed twice, a workspace of another batch, a noisy modified list).
 * `sim.payloads.enable(...kinds)`; `sim.payloads.clear()`. Off by default.
 */
export const PAYLOAD_CORRUPTIONS = [
  /** Every object of a scanned workspace gains fields no schema knows. */
  'unknown-fields',
  /** null (and a string) inserted into every artifact list of a workspace. */
  'null-items',
  /** Empty arrays left out, as real payloads do. */
  'empty-arrays-omitted',
  /** Workspace and report names carry bytes that are not UTF-8. */
  'non-utf8-names',
  /** Each report and dataset listed twice in its workspace; each workspace twice in its result. */
  'duplicate-ids',
  /** Each result also lists the first workspace of the previous result. */
  'workspace-in-two-batches',
  /** Once: the next result's workspace list sits under an unknown key (no `workspaces` array). */
  'no-workspaces-array',
  /** admin/workspaces/modified repeats ids (other case) and adds null, id-less and numeric entries. */
  'modified-list-noise',
] as const;

export type PayloadCorruption = (typeof PAYLOAD_CORRUPTIONS)[number];

type Json = Record<string, unknown>;

const NON_UTF8_MARK = '\u0000not-utf8\u0000';
/** What the mark becomes on the wire: a broken two-byte sequence, a lone continuation, 0xFF 0xFE. */
const NON_UTF8_BYTES = Buffer.from([0xc3, 0x28, 0x80, 0xff, 0xfe]);
const ARTIFACT_LISTS = ['reports', 'dashboards', 'datasets', 'dataflows', 'datamarts', 'users'];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapObjects(value: unknown, fn: (o: Json) => Json): unknown {
  if (Array.isArray(value)) return value.map((v) => mapObjects(v, fn));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) out[k] = mapObjects(v, fn);
  return fn(out);
}

export class PayloadCorruptions {
  private readonly active = new Set<PayloadCorruption>();
  private previousFirst: number | undefined;

  enable(...kinds: PayloadCorruption[]): void {
    for (const kind of kinds) {
      if (!(PAYLOAD_CORRUPTIONS as readonly string[]).includes(kind))
        throw new Error(`unknown payload corruption "${kind}"`);
      this.active.add(kind);
    }
  }

  clear(): void {
    this.active.clear();
    this.previousFirst = undefined;
  }

  has(kind: PayloadCorruption): boolean {
    return this.active.has(kind);
  }

  /** The key the workspace list is written under. */
  workspacesKey(): string {
    if (!this.has('no-workspaces-array')) return 'workspaces';
    this.active.delete('no-workspaces-array');
    return 'workspacesOfAnotherKind';
  }

  /** Tenant indexes a result lists: its own, plus (workspace-in-two-batches) one of the previous result. */
  resultIndexes<T extends { index: number }>(own: readonly T[], extra: (index: number) => T): T[] {
    const list = [...own];
    if (this.has('workspace-in-two-batches')) {
      if (this.previousFirst !== undefined && !own.some((w) => w.index === this.previousFirst))
        list.push(extra(this.previousFirst));
      this.previousFirst = own[0]?.index;
    }
    return list;
  }

  /** One workspace's scan view as the result lists it (twice under duplicate-ids). */
  workspaceViews(view: Json): Json[] {
    let ws: Json = structuredClone(view);
    if (this.has('empty-arrays-omitted')) ws = mapObjects(ws, omitEmptyArrays) as Json;
    if (this.has('duplicate-ids')) {
      for (const key of ['reports', 'datasets']) {
        const list: unknown = ws[key];
        if (Array.isArray(list)) ws[key] = [...(list as unknown[]), ...structuredClone(list as unknown[])];
      }
    }
    if (this.has('null-items')) {
      for (const key of ARTIFACT_LISTS) {
        const list: unknown = ws[key];
        if (Array.isArray(list)) ws[key] = [null, ...(list as unknown[]), 'not an artifact'];
      }
    }
    if (this.has('non-utf8-names')) {
      if (typeof ws.name === 'string') ws.name = `${ws.name}${NON_UTF8_MARK}`;
      for (const report of Array.isArray(ws.reports) ? ws.reports : [])
        if (isObject(report) && typeof report.name === 'string')
          report.name = `${NON_UTF8_MARK}${report.name}`;
    }
    if (this.has('unknown-fields')) {
      ws = mapObjects(ws, (o) => ({
        ...o,
        'x-unknown': { nested: [1, null, 'two'] },
        zzFuture: true,
      })) as Json;
    }
    return this.has('duplicate-ids') ? [ws, structuredClone(ws)] : [ws];
  }

  /** Serialized JSON as it goes on the wire. */
  encode(json: string): string | Buffer {
    if (!this.has('non-utf8-names')) return json;
    const escaped = JSON.stringify(NON_UTF8_MARK).slice(1, -1);
    const parts = json.split(escaped);
    if (parts.length === 1) return json;
    const chunks: Buffer[] = [];
    parts.forEach((part, i) => {
      if (i > 0) chunks.push(NON_UTF8_BYTES);
      chunks.push(Buffer.from(part, 'utf8'));
    });
    return Buffer.concat(chunks);
  }

  /** The admin/workspaces/modified answer. */
  modifiedList(items: { id: string }[]): unknown[] {
    if (!this.has('modified-list-noise')) return items;
    const noisy: unknown[] = [null, {}, { id: 42 }, 'not-an-entry'];
    items.forEach((item, i) => {
      noisy.push(item);
      if (i % 3 === 0) noisy.push({ id: item.id.toUpperCase() });
      if (i % 5 === 0) noisy.push({ ...item, extra: 'field' });
    });
    return noisy;
  }
}

function omitEmptyArrays(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) if (!(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}
