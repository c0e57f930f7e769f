/**
 * Helpers for the receiver's tests: a receiver on a free loopback port with
 * its store in a temporary directory, a raw HTTP client (every header and
 * byte under the test's control), and `tracelint receive` run in-process
 * with the URL it prints.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startReceiver, type Receiver, type ReceiverOptions } from '../../src/receive/server.js';
import { JsonlStore } from '../../src/receive/store.js';
import { runTracelint, type CliRun, type RunOptions } from './cli.js';

export interface TestReceiver {
  receiver: Receiver;
  url: string;
  /** Closes the receiver, finishes the store, and returns its lines parsed. */
  finish(): Promise<Array<Record<string, any>>>;
}

export async function testReceiver(options: Omit<ReceiverOptions, 'store'> = {}): Promise<TestReceiver> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-receiver-'));
  const file = path.join(dir, 'received.otlp.jsonl');
  const store = await JsonlStore.open(file);
  const receiver = await startReceiver({ port: 0, ...options, store });
  return {
    receiver,
    url: receiver.url,
    async finish() {
      await receiver.close();
      await store.finish();
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, any>);
    },
  };
}

/** Span ids in stored OTLP/JSON lines. */
export function storedSpanIds(lines: ReadonlyArray<Record<string, any>>): string[] {
  return lines.flatMap((line) => (line.resourceSpans ?? []).flatMap((rs: any) => (rs.scopeSpans ?? []).flatMap((ss: any) => (ss.spans ?? []).map((span: any) => span.spanId as string))));
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Sent in one piece with Content-Length; an array is sent chunk by chunk without one. */
  body?: Uint8Array | string | Array<Uint8Array | string>;
  agent?: Agent;
}

/** One HTTP request, exactly as described. */
export function send(url: string, options: RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path ?? '/v1/traces', url);
    const chunked = Array.isArray(options.body);
    const body = options.body === undefined || chunked ? undefined : Buffer.from(options.body as Uint8Array | string);
    const request = httpRequest(target, {
      method: options.method ?? 'POST',
      headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers },
      ...(options.agent ? { agent: options.agent } : {}),
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    if (chunked) for (const chunk of options.body as Array<Uint8Array | string>) request.write(chunk);
    request.end(body);
  });
}

export interface ReceiveRun {
  /** The URL `receive` printed it listens on. */
  url: Promise<string>;
  run: Promise<CliRun>;
}

/** `tracelint receive --port 0 …` in-process; `url` resolves once it listens. */
export function runReceive(args: string[], options: RunOptions = {}): ReceiveRun {
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  const run = runTracelint(['receive', '--port', '0', ...args], {
    ...options,
    onStderr: (text) => {
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) found(match[1]!);
    },
  });
  // A run that ends without listening must not leave `url` pending for ever.
  void run.then((result) => found(`(never listened: ${result.stderr})`));
  return { url, run };
}
