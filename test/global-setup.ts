/**
 * Runs once, in Jest's main process, before any test file or worker starts:
 * - the run's own temporary folder: TMPDIR (TMP and TEMP on Windows) points at a fresh folder, so every
 *   test, simulator, worker and spawned CLI that asks os.tmpdir() writes there (Node reads TMPDIR at
 *   each call, children inherit it); test/global-teardown.ts removes it, and the next run removes
 *   the folder of a run killed before its teardown;
 * - the one check of the shared reference folder beside the checkout (../shared): in CI a missing
 *   part fails the run at once; elsewhere the suites fall back to the repository's own material and
 *   the teardown gives one notice of what was left unchecked.
 * Jest loads this file with Node's own resolver (no moduleNameMapper), so it imports Node only.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** simulator/key-cache.ts reads it (named here: this file imports Node only). */
const SIMULATOR_KEYS_ENV = 'SOURCE_POWERBI_SIMULATOR_KEYS';

/** Read by tests (and inherited by workers and subprocesses). */
export const RUN_ENV = {
  tmpRoot: 'SOURCE_POWERBI_TEST_TMP_ROOT',
  tmpBase: 'SOURCE_POWERBI_TEST_TMP_BASE',
  /** Set once the run has checked ../shared: the helpers then stay quiet about it. */
  sharedChecked: 'SOURCE_POWERBI_SHARED_CHECKED',
} as const;

/** What test/global-teardown.ts reads back (the same process and global object). */
interface RunInfo {
  tmpRoot: string;
  tmpBase: string;
  startedMs: number;
  sharedNotice: string;
}

/** The files of the shared reference folder the suites read, with what each one checks. */
export function sharedReferenceFiles(sharedDir: string) {
  return {
    protocolSchema: {
      file: path.join(sharedDir, 'airbyte', 'airbyte_protocol.yaml'),
      checks: 'e2e output validated against the official Airbyte protocol schema',
    },
    metadataSchema: {
      file: path.join(sharedDir, 'airbyte', 'metadata-schema', 'ConnectorMetadataDefinitionV0.yaml'),
      checks: 'metadata.yaml validated against the official connector metadata schema',
    },
    scanSample: {
      file: path.join(sharedDir, 'powerbi-api', 'samples', 'scanResult.json'),
      checks: 'the stream cases written for the Power BI sample scan result',
    },
    peerScanMocks: {
      file: path.join(sharedDir, 'corpora', 'datahub-mock-responses'),
      checks: "the stream and simulator-shape cases over the peer project's mocked scan results",
    },
    peerMCorpus: {
      file: path.join(sharedDir, 'corpora', 'datahub-m-cases.json'),
      checks: "lineage conformance with the peer project's M corpus",
    },
  };
}

function missingReferences(sharedDir: string) {
  return Object.values(sharedReferenceFiles(sharedDir)).filter((ref) => !existsSync(ref.file));
}

const ROOT_PREFIX = 'source-powerbi-jest-';
const OWNER_FILE = '.jest-pid';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folders of earlier runs that were killed before their teardown (their Jest process is gone). */
export function removeOrphanedRoots(tmpBase: string): void {
  for (const name of readdirSync(tmpBase).filter((n) => n.startsWith(ROOT_PREFIX))) {
    const root = path.join(tmpBase, name);
    let owner: number;
    try {
      owner = Number(readFileSync(path.join(root, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours to judge
    }
    if (Number.isInteger(owner) && owner > 0 && !isRunning(owner))
      rmSync(root, { recursive: true, force: true });
  }
}

function createTmpRoot(): { tmpRoot: string; tmpBase: string } {
  const tmpBase = tmpdir();
  removeOrphanedRoots(tmpBase);
  const tmpRoot = mkdtempSync(path.join(tmpBase, ROOT_PREFIX));
  writeFileSync(path.join(tmpRoot, OWNER_FILE), String(process.pid));
  Object.assign(process.env, {
    [RUN_ENV.tmpRoot]: tmpRoot,
    [RUN_ENV.tmpBase]: tmpBase,
    TMPDIR: tmpRoot,
    TMP: tmpRoot,
    TEMP: tmpRoot,
    // The simulators of this run share their key material (simulator/key-cache.ts).
    [SIMULATOR_KEYS_ENV]: path.join(tmpRoot, 'simulator-keys'),
  });
  return { tmpRoot, tmpBase };
}

function noticeOf(sharedDir: string, missing: { checks: string }[]): string {
  if (missing.length === 0) return '';
  return [
    `The shared reference folder is absent or incomplete (${sharedDir}). Every suite ran, on the`,
    "simulator's scan results and the repository's own lineage cases; these checks were skipped:",
    ...missing.map((ref) => `  - ${ref.checks}`),
    'Provide the shared reference folder beside the checkout (../shared) to run them; CI requires it.',
  ].join('\n');
}

export default function globalSetup(globalConfig: { rootDir: string }): void {
  const sharedDir = path.resolve(globalConfig.rootDir, '..', 'shared');
  const missing = missingReferences(sharedDir);
  if (missing.length > 0 && process.env.CI === 'true') {
    throw new Error(
      [
        `CI=true but the shared reference folder beside the checkout is incomplete (${sharedDir}):`,
        ...missing.map((ref) => `  missing ${ref.file}: ${ref.checks}`),
        'Provide the shared reference folder (powerbi-api/, airbyte/, corpora/) next to the project.',
      ].join('\n'),
    );
  }
  process.env[RUN_ENV.sharedChecked] = '1';
  const run: RunInfo = {
    ...createTmpRoot(),
    startedMs: Date.now(),
    sharedNotice: noticeOf(sharedDir, missing),
  };
  (globalThis as { sourcePowerbiRun?: RunInfo }).sourcePowerbiRun = run;
}
