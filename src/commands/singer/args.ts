import { configError } from '../../errors.js';

export type AboutFormat = 'text' | 'json' | 'markdown';

export interface SingerArgs {
  mode: 'help' | 'about' | 'version' | 'discover' | 'sync';
  /** Output of --about: plain text unless --format json or markdown (the Singer SDK's choices). */
  format: AboutFormat;
  config?: string;
  catalog?: string;
  state?: string;
}

const USAGE =
  'Usage: tap-powerbi --about [--format json|markdown] | --version | --config FILE --discover | --config FILE --catalog FILE [--state FILE] | --help';

/** What --help prints (stdout, exit 0). */
export const SINGER_HELP_TEXT = `tap-powerbi: a Singer tap for Power BI metadata and lineage.

  --config FILE --discover              print the Singer catalog (select streams in its metadata)
  --config FILE --catalog FILE [--state FILE]
                                        sync the selected streams; --properties is the old name
                                        of --catalog; pass the last STATE back with --state
  --about [--format json|markdown]      describe the tap (settings, capabilities)
  --version                             print the version
  --help, -h                            print this text
`;

const FORMATS: readonly string[] = ['json', 'markdown'];

function aboutFormat(value: string | undefined): AboutFormat {
  if (value === undefined || !FORMATS.includes(value))
    throw configError(`--format must be json or markdown. ${USAGE}`);
  return value as AboutFormat;
}

/**
 * Singer's command line: flags in any order, `--flag value` or `--flag=value`; --properties is the old
 * name of --catalog.
 */
export function parseSingerArgs(argv: readonly string[]): SingerArgs {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return { mode: 'help', format: 'text' };
  const files: Partial<Record<'config' | 'catalog' | 'state', string>> = {};
  let about = false;
  let version = false;
  let discover = false;
  let format: AboutFormat | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const [flag = '', inline] = argv[i]!.split(/=(.*)/s, 2);
    const value = () => {
      const given = inline ?? argv[(i += 1)];
      if (given === undefined || given.startsWith('--')) throw configError(`${flag} needs a value. ${USAGE}`);
      return given;
    };
    if (flag === '--about') about = true;
    else if (flag === '--version') version = true;
    else if (flag === '--discover') discover = true;
    else if (flag === '--format') format = aboutFormat(value());
    else if (['--config', '--catalog', '--properties', '--state'].includes(flag))
      files[flag === '--properties' ? 'catalog' : (flag.slice(2) as 'config' | 'catalog' | 'state')] =
        value();
    else throw configError(`Unknown option "${argv[i]!}". ${USAGE}`);
  }
  if (format !== undefined && !about) throw configError(`--format only goes with --about. ${USAGE}`);
  if (version) return { mode: 'version', format: 'text', ...files };
  if (about) return { mode: 'about', format: format ?? 'text', ...files };
  if (!files.config) throw configError(`--config FILE is required. ${USAGE}`);
  if (discover) return { mode: 'discover', format: 'text', ...files };
  if (!files.catalog) throw configError(`A sync needs --catalog FILE (run --discover first). ${USAGE}`);
  return { mode: 'sync', format: 'text', ...files };
}
