import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that readers see either the old content or the new, never a
 * half-written one: the data goes to a temporary name in the same directory,
 * is flushed to disk, and is renamed over the target. A run killed mid-write
 * leaves the previous file intact (and at most a stray `.tracelint-tmp-*`).
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(target), `.tracelint-tmp-${path.basename(target)}-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
