/**
 * Replays the Dockerfile without a Docker engine: each stage gets its own folder standing for the
 * image's filesystem, COPY copies what the Dockerfile names (build context filtered by
 * .dockerignore), and RUN executes the npm commands with the local Node (same version as the image).
 * Commands that set up users and folders need root inside the image and are returned for the caller
 * to check instead; any other command makes the replay fail, so the Dockerfile cannot gain a step
 * this replay silently skips.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collect, isIgnored, readDockerignore, type Stage } from './packaging-dockerfile.js';
import { repoRoot } from './paths.js';

/** Image-only commands: user and folder setup (checked statically) and cache cleaning (image size). */
const SKIPPED = /^(groupmod|usermod|groupadd|useradd|userdel|mkdir|chown|chmod|npm cache clean)\b/;

export interface ReplayedStage {
  name: string;
  /** The folder standing for this stage's "/". */
  root: string;
  env: Record<string, string>;
  /** Commands skipped because they only make sense inside the image. */
  skipped: string[];
}

export interface Replay {
  dir: string;
  stages: Map<string, ReplayedStage>;
}

function hostPath(stage: ReplayedStage, containerPath: string): string {
  return path.join(stage.root, containerPath);
}

function resolveIn(workdir: string, target: string): string {
  return path.posix.isAbsolute(target) ? target : path.posix.join(workdir, target);
}

function copyFromContext(sources: string[], destination: string, toDirectory: boolean): void {
  const rules = readDockerignore();
  for (const source of sources) {
    const from = path.join(repoRoot, source);
    if (!existsSync(from)) throw new Error(`COPY: ${source} is not in the build context`);
    if (isIgnored(source, rules)) throw new Error(`COPY: ${source} is excluded by .dockerignore`);
    const to =
      toDirectory && !statSync(from).isDirectory()
        ? path.join(destination, path.basename(source))
        : destination;
    cpSync(from, to, {
      recursive: true,
      filter: (file) =>
        !isIgnored(path.relative(repoRoot, file).split(path.sep).join('/'), rules) || file === from,
    });
  }
}

function copy(args: string, stage: ReplayedStage, workdir: string, replay: Replay): void {
  const parts = args.split(/\s+/);
  const fromFlag = parts[0]?.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
  if (parts.some((p) => p.startsWith('--'))) throw new Error(`COPY flag not replayed: ${args}`);
  const destination = parts.pop()!;
  const toDirectory = destination.endsWith('/') || parts.length > 1;
  const target = hostPath(stage, resolveIn(workdir, destination));
  mkdirSync(toDirectory ? target : path.dirname(target), { recursive: true });
  if (fromFlag === undefined) return copyFromContext(parts, target, toDirectory);
  const other = replay.stages.get(fromFlag);
  if (!other) throw new Error(`COPY --from=${fromFlag}: no such earlier stage`);
  for (const source of parts) cpSync(hostPath(other, source), target, { recursive: true });
}

function run(args: string, stage: ReplayedStage, workdir: string): void {
  for (const command of args.split('&&').map((c) => c.trim())) {
    if (SKIPPED.test(command)) {
      stage.skipped.push(command);
      continue;
    }
    const [program, ...rest] = command.split(/\s+/);
    if (program !== 'npm') throw new Error(`RUN command the replay cannot run: ${command}`);
    execFileSync('npm', rest, {
      cwd: hostPath(stage, workdir),
      // The local npm cache is reused (and never cleaned) so the replay stays fast.
      env: {
        ...process.env,
        ...stage.env,
        npm_config_prefer_offline: 'true',
        npm_config_update_notifier: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
}

/** Replays the stages in a new folder inside `parent`. */
export function replayDockerfile(stages: Stage[], parent = tmpdir()): Replay {
  const dir = mkdtempSync(path.join(parent, 'source-powerbi-docker-replay-'));
  const replay: Replay = { dir, stages: new Map() };
  for (const stage of stages) {
    const replayed: ReplayedStage = {
      name: stage.name,
      root: path.join(dir, stage.name),
      env: {},
      skipped: [],
    };
    mkdirSync(replayed.root, { recursive: true });
    let workdir = '/';
    for (const { keyword, args } of stage.instructions) {
      switch (keyword) {
        case 'WORKDIR':
          workdir = resolveIn(workdir, args);
          mkdirSync(hostPath(replayed, workdir), { recursive: true });
          break;
        case 'ENV':
          Object.assign(replayed.env, collect({ ...stage, instructions: [{ keyword, args }] }, 'ENV'));
          break;
        case 'COPY':
          copy(args, replayed, workdir, replay);
          break;
        case 'RUN':
          run(args, replayed, workdir);
          break;
        case 'USER':
        case 'LABEL':
        case 'ENTRYPOINT':
        case 'CMD':
          break;
        default:
          throw new Error(`Dockerfile instruction not replayed: ${keyword} ${args}`);
      }
    }
    replay.stages.set(stage.name, replayed);
  }
  return replay;
}

/** The entrypoint as a host command: the image's node is the local node, image paths map into the stage. */
export function hostEntrypoint(stage: ReplayedStage, entrypoint: string[]): [string, string[]] {
  const [program, ...args] = entrypoint;
  if (program !== '/usr/local/bin/node') throw new Error(`unexpected entrypoint program ${String(program)}`);
  return [process.execPath, args.map((a) => (path.posix.isAbsolute(a) ? hostPath(stage, a) : a))];
}

const guardFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'image-module-guard.mjs');

/**
 * Node arguments and environment that keep a replayed image's process to its own modules: Node
 * looks for node_modules in every folder above a module, which the real image's filesystem does not
 * have, so any module resolved outside `imageDir` is refused, naming the folder that lent it
 * (image-module-guard.mjs; worker threads inherit it).
 */
export function moduleGuard(imageDir: string): { nodeArgs: string[]; env: Record<string, string> } {
  return { nodeArgs: ['--import', guardFile], env: { IMAGE_MODULE_ROOT: imageDir } };
}

/**
 * Puts a package in `folder`/node_modules for each name, one that throws when loaded: a folder above
 * a replay that lends it modules, the way a stray node_modules in the system temp folder would.
 */
export function lendModules(folder: string, names: string[]): void {
  for (const name of names) {
    const dir = path.join(folder, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name, version: '0.0.0', main: 'index.js' }),
    );
    writeFileSync(
      path.join(dir, 'index.js'),
      `throw new Error(${JSON.stringify(`${name} was lent by ${folder}, above the image folder`)});\n`,
    );
  }
}
