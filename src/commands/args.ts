import { configError } from '../errors.js';
import type { SyncMode } from '../protocol/messages.js';

export type CommandName = 'spec' | 'check' | 'discover' | 'read' | 'catalog' | 'explain-m' | 'help';

export interface ParsedArgs {
  command: CommandName;
  config?: string;
  catalog?: string;
  state?: string;
  /** catalog: the streams to configure (default: every stream discover lists). */
  streams?: string[];
  /** catalog: the sync mode of every configured stream. */
  mode?: SyncMode;
  /** explain-m --columns: every line gives its table's columns and gets their column lineage. */
  columns?: boolean;
}

const USAGE =
  'Usage: source-powerbi spec | check --config FILE | discover --config FILE | read --config FILE --catalog FILE [--state FILE] | catalog --config FILE [--streams a,b] [--mode incremental|full_refresh] (helper, not an Airbyte command) | explain-m [--config FILE] [--columns] < lines.jsonl | --help';

/** What --help prints (stdout, exit 0). */
export const HELP_TEXT = `source-powerbi: an Airbyte source for Power BI metadata and lineage.

Airbyte commands (stdout: one Airbyte protocol message per line):
  spec                                  print the connector specification
  check    --config FILE                test the credentials and the admin API permissions
  discover --config FILE                list the streams (an AirbyteCatalog)
  read     --config FILE --catalog FILE [--state FILE]
                                        read the streams of a configured catalog; pass the last
                                        STATE of each stream back with --state to continue

Helper commands (not part of the Airbyte protocol; stdout: plain JSON):
  catalog  --config FILE [--streams a,b] [--mode incremental|full_refresh]
                                        print a configured catalog for read, built from discover
                                        (default: every stream, incremental)
  explain-m [--config FILE] [--columns] < lines.jsonl
                                        explain the lineage of Power Query M expressions

  --help, -h                            print this text
`;

const REQUIRED: Record<CommandName, readonly ('config' | 'catalog')[]> = {
  spec: [],
  check: ['config'],
  discover: ['config'],
  read: ['config', 'catalog'],
  catalog: ['config'],
  'explain-m': [],
  help: [],
};

type ValueFlag = 'config' | 'catalog' | 'state' | 'streams' | 'mode';

const ALLOWED_FLAGS: Record<CommandName, readonly ValueFlag[]> = {
  spec: [],
  check: ['config'],
  discover: ['config'],
  read: ['config', 'catalog', 'state'],
  catalog: ['config', 'streams', 'mode'],
  'explain-m': ['config'],
  help: [],
};

const HELP_FLAGS: readonly string[] = ['--help', '-h'];
const SYNC_MODES: readonly string[] = ['incremental', 'full_refresh'];

function isHelpRequest(args: readonly string[]): boolean {
  return args[0] === 'help' || args.some((arg) => HELP_FLAGS.includes(arg));
}

function setOption(parsed: ParsedArgs, flag: ValueFlag, value: string): void {
  if (flag === 'streams') {
    parsed.streams = value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
  } else if (flag === 'mode') {
    if (!SYNC_MODES.includes(value))
      throw configError(`--mode must be incremental or full_refresh. ${USAGE}`);
    parsed.mode = value as SyncMode;
  } else parsed[flag] = value;
}

/** Parses argv the way the Airbyte protocol calls a connector; errors are config_errors with a usage hint. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  // Some runners (tap-airbyte) put "--" between the image and the command.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (isHelpRequest(args)) return { command: 'help' };
  const [command, ...rest] = args;
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
    const option = flag.slice(2) as ValueFlag;
    if (!flag.startsWith('--') || !ALLOWED_FLAGS[name].includes(option))
      throw configError(`Unknown option "${flag}" for ${name}. ${USAGE}`);
    if (value === undefined || value.startsWith('--'))
      throw configError(
        `Option ${flag} needs ${option === 'streams' || option === 'mode' ? 'a value' : 'a file path'}. ${USAGE}`,
      );
    setOption(parsed, option, value);
  }
  for (const option of REQUIRED[name]) {
    if (parsed[option] === undefined) throw configError(`${name} needs --${option} FILE. ${USAGE}`);
  }
  return parsed;
}
