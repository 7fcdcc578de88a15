import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../config/package-root.js';
import { loadSpec } from '../../config/spec.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { AboutFormat } from './args.js';

export const TAP_NAME = 'tap-powerbi';
const DESCRIPTION = 'Power BI metadata and lineage through the Scanner API (source-powerbi in Singer mode).';
/** Singer capabilities this tap has (names as Meltano and the Singer SDK spell them). */
export const CAPABILITIES = ['catalog', 'discover', 'state', 'about'] as const;

export function tapVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** `--version`, shaped like the Singer SDK's "<name> v<version>" (this tap is not built with the SDK). */
export function versionLine(): string {
  return `${TAP_NAME} v${tapVersion()}`;
}

/** The about information, with the keys of the Singer SDK's JSON form; no SDK, so sdk_version is null. */
export function aboutInfo(): JsonObject {
  return {
    name: TAP_NAME,
    description: DESCRIPTION,
    version: tapVersion(),
    sdk_version: null,
    supported_python_versions: null,
    capabilities: [...CAPABILITIES],
    settings: loadSpec().connectionSpecification,
  };
}

type Schema = { [key: string]: unknown };

function propertiesOf(schema: Schema): [string, Schema][] {
  return Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {});
}

/** One entry per setting, nested ones dotted (credentials.client_id); oneOf options are merged. */
function settingRows(schema: Schema, parent = ''): { name: string; required: boolean; schema: Schema }[] {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = propertiesOf(schema).flatMap(([key, property]) => {
    const name = parent ? `${parent}.${key}` : key;
    const options = (property.oneOf as Schema[] | undefined) ?? [];
    const nested = [property, ...options].flatMap((s) => settingRows(s, name));
    return [{ name, required: required.has(key), schema: property }, ...nested];
  });
  return rows.filter((row, index) => rows.findIndex((r) => r.name === row.name) === index);
}

const oneLine = (text: unknown): string => (typeof text === 'string' ? text.replace(/\r?\n/g, '<BR/>') : '');

function markdown(info: JsonObject): string {
  const rows = settingRows(info.settings as Schema).map(
    (row) =>
      `| ${row.name} | ${row.required ? 'True' : 'False'} | ${row.schema.default === undefined ? 'None' : JSON.stringify(row.schema.default)} | ${oneLine(row.schema.description)} |`,
  );
  return [
    `# \`${TAP_NAME}\``,
    '',
    DESCRIPTION,
    '',
    '## Capabilities',
    '',
    ...CAPABILITIES.map((c) => `- \`${c}\``),
    '',
    '## Settings',
    '',
    '| Setting | Required | Default | Description |',
    '|:--------|:--------:|:-------:|:------------|',
    ...rows,
    '',
    `A full list of supported settings and capabilities is available by running: \`${TAP_NAME} --about\``,
    '',
  ].join('\n');
}

function text(info: JsonObject): string {
  const settings = propertiesOf(info.settings as Schema).flatMap(([name, schema]) => [
    `  - Name: ${name}`,
    `    Type: ${JSON.stringify(schema.type ?? 'object')}`,
  ]);
  return [
    `Name: ${TAP_NAME}`,
    `Description: ${DESCRIPTION}`,
    `Version: ${String(info.version)}`,
    'Capabilities:',
    ...CAPABILITIES.map((c) => `  - ${c}`),
    'Settings:',
    ...settings,
    '',
  ].join('\n');
}

/** `--about` in the Singer SDK's three forms: plain text (default), JSON (2-space indent), Markdown. */
export function renderAbout(format: AboutFormat): string {
  const info = aboutInfo();
  if (format === 'json') return `${JSON.stringify(info, null, 2)}\n`;
  return format === 'markdown' ? markdown(info) : text(info);
}
