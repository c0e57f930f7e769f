import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that readers see either the old content or the new, never a
 * half-written one: the data goes to a temporary name in the same directory,
 * is flushed to disk, and is renamed over the target. A run killed mid-write
 * leaves the previous file intact (and at most a stray `.tracelint-tmp-*`).
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const file = await AtomicFile.open(target);
  try {
    await file.write(data);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}

/**
 * The same guarantee for a file written piece by piece (the receiver's store):
 * appends go to the temporary file as they come, and only `commit` puts the
 * whole at the target's name.
 */
export class AtomicFile {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly target: string,
    readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(target: string): Promise<AtomicFile> {
    const temp = path.join(path.dirname(target), `.tracelint-tmp-${path.basename(target)}-${randomBytes(6).toString('hex')}`);
    return new AtomicFile(target, temp, await open(temp, 'wx', 0o644));
  }

  /** Appends, in call order; resolves once these bytes are written to the file. */
  write(data: string | Uint8Array): Promise<void> {
    const written = this.queue.then(() => this.handle.writeFile(data));
    // A failed write fails its caller; later writes still run in order.
    this.queue = written.catch(() => undefined);
    return written;
  }

  /** Flushes to disk and renames over the target. */
  async commit(): Promise<void> {
    try {
      await this.queue;
      await this.handle.sync();
    } catch (error) {
      await this.abort();
      throw error;
    }
    await this.handle.close();
    try {
      await rename(this.temp, this.target);
    } catch (error) {
      await unlink(this.temp).catch(() => undefined);
      throw error;
    }
  }

  /** Drops the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    await this.queue;
    await this.handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
  }
}
