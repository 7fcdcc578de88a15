/**
 * The Node flags the Docker image runs the connector with: the words between `/usr/local/bin/node`
 * and the script in the Dockerfile's ENTRYPOINT (exec form). The benchmark runs each build the way
 * its image does, so a build's own Dockerfile decides (none for builds from before the image set any).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function imageNodeFlags(dockerfile: string): string[] {
  const entrypoint = dockerfile
    .split('\n')
    .filter((line) => line.startsWith('ENTRYPOINT '))
    .at(-1);
  if (entrypoint === undefined) return [];
  const words = JSON.parse(entrypoint.slice('ENTRYPOINT '.length)) as string[];
  return words.slice(1, -1);
}

/** The flags of the image built from the checkout that holds `cliPath` (its dist/main.js). */
export function imageNodeFlagsFor(cliPath: string): string[] {
  const dockerfile = path.join(path.dirname(cliPath), '..', 'Dockerfile');
  return existsSync(dockerfile) ? imageNodeFlags(readFileSync(dockerfile, 'utf8')) : [];
}
