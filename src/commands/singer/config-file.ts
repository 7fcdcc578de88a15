import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { configError } from '../../errors.js';

/**
 * Replaces a JSON file atomically: the new content goes to a temporary file in the same folder, with
 * the same permissions, flushed to disk, then renamed over the original, so a crash leaves either the
 * old file or the new one, never half of one. Failures name the file, never its content.
 */
export async function replaceJsonFile(filePath: string, value: unknown): Promise<void> {
  const target = path.resolve(filePath);
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const { mode } = await stat(target);
    const handle = await open(temporary, 'wx', mode & 0o777);
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
      await handle.chmod(mode & 0o777);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw configError(
      `Could not save the rotated refresh token to ${filePath} (${code}). Make the file and its folder writable, then re-authorize: the previous refresh token may no longer work.`,
    );
  }
}
