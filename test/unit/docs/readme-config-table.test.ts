import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

type Schema = { properties?: Record<string, Schema>; oneOf?: Schema[]; type?: string; default?: unknown };

/** Every leaf option of spec.json, as dotted paths; credentials options are merged across the oneOf. */
function specOptions(schema: Schema, prefix = ''): Map<string, unknown> {
  const options = new Map<string, unknown>();
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (child.oneOf) {
      for (const option of child.oneOf) {
        for (const field of Object.keys(option.properties ?? {})) options.set(`${name}.${field}`, undefined);
      }
    } else if (child.type === 'object' && child.properties) {
      for (const [nested, value] of specOptions(child, name)) options.set(nested, value);
    } else {
      options.set(name, child.default);
    }
  }
  return options;
}

function readmeRows(): Map<string, string> {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  // Only the configuration table: from its introduction to the next heading.
  const start = readme.indexOf('Every option (this table');
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n#', start));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line
      .replace(/\\\|/g, '¦')
      .split('|')
      .map((cell) => cell.trim());
    const name = /^`([a-z_.]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name !== undefined && cells.length >= 6) rows.set(name, cells[3]!);
  }
  return rows;
}

describe('README configuration table', () => {
  const spec = JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as {
    connectionSpecification: Schema;
  };
  const options = specOptions(spec.connectionSpecification);
  const rows = readmeRows();

  test('documents every option of spec.json and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual([...options.keys()].sort());
  });

  test('states the same default as spec.json', () => {
    for (const [name, defaultValue] of options) {
      const documented = rows.get(name) ?? '';
      expect({ name, documented }).toEqual({
        name,
        documented: defaultValue === undefined ? '' : `\`${JSON.stringify(defaultValue)}\``,
      });
    }
  });
});
