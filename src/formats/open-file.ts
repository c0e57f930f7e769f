import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from './errors.js';

/**
 * Bytes read from a file at a time. Node makes the text of about a megabyte
 * or more an external string, counted as external memory, and V8 starts a
 * full garbage collection whenever external memory has grown by 64 MB: with
 * 1 MB reads a million-span file took 22 full collections ("external memory
 * pressure", 5.9 s of pauses, 12.7 s to read) instead of 4 (2.0 s, 6.9 s).
 * Reads below that size avoid it; of those, 256 KB measured fastest.
 */
export const READ_CHUNK_BYTES = 256 * 1024;

/** Opens a file for streaming; errors (missing, denied, a directory) name the file as `file`. */
export async function openFile(fullPath: string, file: string): Promise<Readable> {
  const stream = createReadStream(fullPath, { highWaterMark: READ_CHUNK_BYTES });
  try {
    await once(stream, 'readable');
  } catch (error) {
    throw new InputError(file, describeFsError(error));
  }
  return stream;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot read: ${(error as Error).message}`;
  }
}
