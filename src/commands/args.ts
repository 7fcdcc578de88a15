import { configError } from '../errors.js';

export type CommandName = 'spec' | 'check' | 'discover' | 'read' | 'explain-m';

export interface ParsedArgs {
  command: CommandName;
  config?: string;
  catalog?: string;
  state?: string;
  /** explain-m --columns: every line gives its table's columns and gets their column lineage. */
  columns?: boolean;
}

const USAGE =
  'Usage: source-powerbi spec | check --config FILE | discover --config FILE | read --config FILE --catalog FILE [--state FILE] | explain-m [--config FILE] [--columns] < lines.jsonl';

const REQUIRED: Record<CommandName, readonly ('config' | 'catalog')[]> = {
  spec: [],
  check: ['config'],
  discover: ['config'],
  read: ['config', 'catalog'],
  'explain-m': [],
};

const ALLOWED_FLAGS: Record<CommandName, readonly string[]> = {
  spec: [],
  check: ['--config'],
  discover: ['--config'],
  read: ['--config', '--catalog', '--state'],
  'explain-m': ['--config'],
};

/** Parses argv the way the Airbyte protocol calls a connector; errors are config_errors with a usage hint. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  // Some runners (tap-airbyte) put "--" between the image and the command.
  const [command, ...rest] = argv[0] === '--' ? argv.slice(1) : argv;
  if (command === undefined || !(command in REQUIRED)) {
    const what = command === undefined ? 'No command given' : `Unknown command "${command}"`;
    throw configError(`${what}. ${USAGE}`);
  }
  const name = command as CommandName;
  const parsed: ParsedArgs = { command: name };
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i]!;
    if (name === 'explain-m' && flag === '--columns') {
      parsed.columns = true;
      i -= 1;
      continue;
    }
    const value = rest[i + 1];
    if (!ALLOWED_FLAGS[name].includes(flag))
      throw configError(`Unknown option "${flag}" for ${name}. ${USAGE}`);
    if (value === undefined || value.startsWith('--'))
      throw configError(`Option ${flag} needs a file path. ${USAGE}`);
    parsed[flag.slice(2) as 'config' | 'catalog' | 'state'] = value;
  }
  for (const option of REQUIRED[name]) {
    if (parsed[option] === undefined) throw configError(`${name} needs --${option} FILE. ${USAGE}`);
  }
  return parsed;
}
