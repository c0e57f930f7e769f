import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptRequest, BadRequest } from './accept.js';
import { BodyError, readBody, type BodyRefusal } from './body.js';
import { encodingOf, exportReply, statusReply, TRACES_PATH, type Encoding, type Reply } from './protocol.js';

/**
 * The OTLP/HTTP receiver: POST /v1/traces with a JSON or protobuf body (gzip
 * or not), answered as the specification says. It is bounded everywhere: body
 * size (before and after gunzip), open connections, and requests in flight —
 * beyond which it answers 503 with Retry-After, so a client backs off instead
 * of the receiver buffering without end. Bad bodies are answered 400 and
 * counted; nothing a client sends can stop the receiver.
 */

export interface ReceiverLimits {
  /** Largest body, compressed and decompressed (the spec recommends 64 MiB). */
  maxBodyBytes: number;
  /** Open connections; more are dropped by the server as they arrive. */
  maxConnections: number;
  /** Requests being read, decoded or stored at once; more get 503 + Retry-After. */
  maxInFlight: number;
}

export const DEFAULT_LIMITS: ReceiverLimits = { maxBodyBytes: 64 * 1024 * 1024, maxConnections: 64, maxInFlight: 16 };

/** Seconds a throttled client is asked to wait (Retry-After takes whole seconds). */
export const RETRY_AFTER_SECONDS = 1;

/** Why a request was not accepted, as counted. */
export type Refusal =
  | 'not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | BodyRefusal
  | BadRequest['reason']
  | 'busy'
  | 'shutting-down'
  | 'too-many-connections'
  | 'internal';

export interface ReceiverStats {
  /** Requests accepted (answered 200), by encoding. */
  requests: Record<Encoding, number>;
  /** Spans accepted and stored. */
  spans: number;
  /** Spans left out of partially accepted requests. */
  rejectedSpans: number;
  /** Requests (or, for too-many-connections, connections) refused, by reason. */
  refused: Partial<Record<Refusal, number>>;
}

export interface SpanStore {
  append(line: string): Promise<void>;
}

export interface ReceiverOptions extends Partial<ReceiverLimits> {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  store: SpanStore;
  /** Retry-After on 503 (default RETRY_AFTER_SECONDS). */
  retryAfterSeconds?: number;
  /** Called as a request to /v1/traces starts and ends, with the number in flight (for --until-idle). */
  onActivity?: (inFlight: number) => void;
}

export interface Receiver {
  /** http://host:port, where OTEL_EXPORTER_OTLP_ENDPOINT should point. */
  readonly url: string;
  readonly stats: ReceiverStats;
  readonly inFlight: number;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), and closes every connection. */
  close(graceMs?: number): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const limits: ReceiverLimits = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
    maxConnections: options.maxConnections ?? DEFAULT_LIMITS.maxConnections,
    maxInFlight: options.maxInFlight ?? DEFAULT_LIMITS.maxInFlight,
  };
  const stats: ReceiverStats = { requests: { json: 0, protobuf: 0 }, spans: 0, rejectedSpans: 0, refused: {} };
  const refuse = (reason: Refusal): void => void (stats.refused[reason] = (stats.refused[reason] ?? 0) + 1);
  const refused = (response: ServerResponse, reply: Reply, reason: Refusal): void => {
    refuse(reason);
    send(response, reply);
  };
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  let closed: Promise<void> | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const encoding = encodingOf(request.headers['content-type']);
    const path = (request.url ?? '/').split('?', 1)[0]!;
    if (path !== TRACES_PATH) return refused(response, statusReply(encoding ?? 'json', 404, `nothing at ${path}: tracelint receives traces only, at POST ${TRACES_PATH}`), 'not-found');
    if (request.method !== 'POST') return refused(response, statusReply(encoding ?? 'json', 405, `${request.method} is not allowed: send POST`, { allow: 'POST' }), 'method-not-allowed');
    if (encoding === undefined) {
      const type = JSON.stringify(request.headers['content-type'] ?? '');
      return refused(response, statusReply('json', 415, `Content-Type ${type} is not supported: send application/json or application/x-protobuf`), 'unsupported-media-type');
    }
    const retryAfter = options.retryAfterSeconds ?? RETRY_AFTER_SECONDS;
    const retry = { 'retry-after': String(retryAfter) };
    if (closing) return refused(response, statusReply(encoding, 503, 'the receiver is shutting down', retry), 'shutting-down');
    if (inFlight >= limits.maxInFlight) return refused(response, statusReply(encoding, 503, `busy: ${inFlight} requests in flight (the limit, --max-in-flight); retry after ${retryAfter}s`, retry), 'busy');

    inFlight++;
    options.onActivity?.(inFlight);
    try {
      const accepted = acceptRequest(await readBody(request, limits.maxBodyBytes), encoding);
      if (accepted.line !== undefined) await options.store.append(accepted.line);
      stats.requests[encoding]++;
      stats.spans += accepted.spans;
      stats.rejectedSpans += accepted.partial?.rejectedSpans ?? 0;
      send(response, exportReply(encoding, accepted.partial));
    } catch (error) {
      if (error instanceof BodyError && error.reason === 'aborted') {
        refuse('aborted');
      } else if (error instanceof BodyError) {
        refused(response, statusReply(encoding, error.status, error.message, error.unread ? { connection: 'close' } : {}), error.reason);
      } else if (error instanceof BadRequest) {
        refused(response, statusReply(encoding, 400, error.message), error.reason);
      } else {
        refused(response, statusReply(encoding, 500, `the receiver failed: ${(error as Error).message}`), 'internal');
      }
    } finally {
      inFlight--;
      options.onActivity?.(inFlight);
      if (inFlight === 0) drained?.();
    }
  };

  // Slow clients cannot hold a slot for ever: whole requests within a minute, headers within 20 s.
  const server = createServer({ requestTimeout: 60_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, (request, response) => {
    handle(request, response).catch(() => {
      refuse('internal');
      response.destroy();
    });
  });
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => refuse('too-many-connections'));
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4318, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    stats,
    get inFlight() {
      return inFlight;
    },
    close(graceMs = 10_000) {
      // Once: a second call waits for the first.
      return (closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, graceMs).unref();
          });
        }
        server.closeAllConnections();
        await stopped;
      })());
    },
  };
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.headersSent || response.destroyed) return;
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  response.end(body);
}
