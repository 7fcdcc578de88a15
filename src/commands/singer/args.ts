import { configError } from '../../errors.js';

export interface SingerArgs {
  mode: 'about' | 'discover' | 'sync';
  config?: string;
  catalog?: string;
  state?: string;
}

const USAGE =
  'Usage: tap-powerbi --about | --config FILE --discover | --config FILE --catalog FILE [--state FILE]';

/** Singer's command line: flags in any order; --properties is the old name of --catalog. */
export function parseSingerArgs(argv: readonly string[]): SingerArgs {
  const files: Partial<Record<'config' | 'catalog' | 'state', string>> = {};
  let about = false;
  let discover = false;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (flag === '--about') about = true;
    else if (flag === '--discover') discover = true;
    else if (['--config', '--catalog', '--properties', '--state'].includes(flag)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw configError(`${flag} needs a file path. ${USAGE}`);
      files[flag === '--properties' ? 'catalog' : (flag.slice(2) as 'config' | 'catalog' | 'state')] = value;
      i += 1;
    } else throw configError(`Unknown option "${flag}". ${USAGE}`);
  }
  if (about) return { mode: 'about', ...files };
  if (!files.config) throw configError(`--config FILE is required. ${USAGE}`);
  if (discover) return { mode: 'discover', ...files };
  if (!files.catalog) throw configError(`A sync needs --catalog FILE (run --discover first). ${USAGE}`);
  return { mode: 'sync', ...files };
}
