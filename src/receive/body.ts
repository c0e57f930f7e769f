import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { compressionOf } from './protocol.js';

const gunzipAsync = promisify(gunzip);

/** Why a body was refused before it was decoded; the server counts by reason. */
export type BodyRefusal = 'too-large' | 'bad-gzip' | 'unsupported-encoding' | 'aborted';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 499,
    readonly reason: BodyRefusal,
    message: string,
    /** The body was not read to its end: the connection cannot be reused. */
    readonly unread = false,
  ) {
    super(message);
  }
}

/**
 * A request's body within `maxBytes`, before and after gunzip (the spec's
 * MUST, against gzip bombs): a declared Content-Length over the limit is
 * refused unread, a stream that grows past it is cut off, and inflation stops
 * at the limit. So at most `maxBytes` compressed plus `maxBytes` inflated are
 * held per request.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const compression = compressionOf(request.headers['content-encoding']);
  if (compression === undefined) {
    throw new BodyError(415, 'unsupported-encoding', `Content-Encoding ${JSON.stringify(request.headers['content-encoding'])} is not supported: send gzip or no encoding`);
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new BodyError(413, 'too-large', tooLarge(maxBytes, 'Content-Length is'), true);

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new BodyError(413, 'too-large', tooLarge(maxBytes, 'the body is'), true);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof BodyError) throw error;
    throw new BodyError(499, 'aborted', 'the client went away before the body was complete', true);
  }
  const raw = Buffer.concat(chunks, size);
  if (compression === 'none') return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyError(413, 'too-large', tooLarge(maxBytes, 'the body is, after gunzip,'));
    throw new BodyError(400, 'bad-gzip', `invalid gzip body: ${(error as Error).message}`);
  }
}

function tooLarge(maxBytes: number, what: string): string {
  return `${what} larger than the limit of ${maxBytes} bytes (--max-body-bytes); send smaller batches`;
}
