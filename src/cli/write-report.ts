import { AtomicFile } from '../io/atomic-write.js';

/** Chunks are gathered to about this many characters before each write: few system calls, little held. */
const BATCH = 1 << 18;

/**
 * Writes a report's chunks as they are made: to a file atomically (a
 * temporary name, renamed when the last chunk is down; on failure the target
 * is left as it was), or to stdout, waiting when it is full, so a report of a
 * million findings is never one string.
 */
export async function writeReport(chunks: Iterable<string>, target: { file: string } | { stream: NodeJS.WritableStream }): Promise<void> {
  if ('stream' in target) {
    for (const batch of batches(chunks)) if (!target.stream.write(batch)) await new Promise<void>((resolve) => target.stream.once('drain', resolve));
    return;
  }
  const file = await AtomicFile.open(target.file);
  try {
    for (const batch of batches(chunks)) await file.write(batch);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}

function* batches(chunks: Iterable<string>): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= BATCH) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}
