import path from 'node:path';
import type { StdioOptions } from 'node:child_process';
import type { Command } from 'commander';
import type { ReadResult } from '../formats/read.js';
import { readResult, readTraces } from '../formats/read.js';
import { SpanColumns } from '../model/store.js';
import { formatDuration, NANOS_PER_MILLI } from '../model/time.js';
import { safeText } from '../render/safe-text.js';
import { TRACES_PATH } from '../receive/protocol.js';
import { DEFAULT_LIMITS, startReceiver, type Receiver, type ReceiverStats, type Refusal } from '../receive/server.js';
import { parseDuration, whenToStop, type CommandResult, type StopReason, type Stopper, type WrappedCommand } from '../receive/stop.js';
import { JsonlStore } from '../receive/store.js';
import { addLintOptions, checkTraces, prepareCheck, type CheckOptions } from './check.js';
import { UsageError } from './errors.js';
import type { CliIO, CommandRegistrar, ExitCode } from './run.js';

interface ReceiveOptions extends CheckOptions {
  host: string;
  port: number;
  out?: string;
  untilIdle?: number;
  maxBodyBytes: number;
  maxConnections: number;
  maxInFlight: number;
}

/**
 * `tracelint receive`: be the OTLP/HTTP endpoint of the services under test,
 * keep what they send, and lint it as `check` does when told to stop.
 */
export const registerReceive: CommandRegistrar = (program: Command, io, exit) => {
  const receive = program
    .command('receive')
    .description('receive traces over OTLP/HTTP (JSON or protobuf) from running services, then lint them as check does')
    .argument('[command...]', 'after --: a command to run with OTEL_EXPORTER_OTLP_ENDPOINT pointed here; its end ends the receiving')
    .option('--host <address>', 'address to listen on (loopback unless you mean otherwise)', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', (value: string) => whole(value, '--port', 0, 65535), 4318)
    .option('--out <file>', 'keep what was received as OTLP JSON lines (written atomically when receiving ends)')
    .option('--until-idle <duration>', 'stop once no request has come for this long, e.g. 5s or 500ms (with a command: after it exits)', duration)
    .option('--max-body-bytes <bytes>', 'largest request body, also after gunzip (413 above)', (value: string) => whole(value, '--max-body-bytes', 1), DEFAULT_LIMITS.maxBodyBytes)
    .option('--max-connections <n>', 'open connections at most', (value: string) => whole(value, '--max-connections', 1), DEFAULT_LIMITS.maxConnections)
    .option('--max-in-flight <n>', 'requests handled at once; more are answered 503 with Retry-After', (value: string) => whole(value, '--max-in-flight', 1), DEFAULT_LIMITS.maxInFlight);
  addLintOptions(receive).action(async (command: string[], options: ReceiveOptions, self: Command) => {
    // Commander keeps the argv it parsed (untyped) on the program: a command must come after `--`.
    const argv = (self.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
    if (command.length > 0 && !argv.includes('--')) throw new UsageError(`receive (and check --listen) reads no input files; to run a command, put it after --: tracelint receive -- ${command.join(' ')}`);
    exit(await receiveAndCheck(command, options, io));
  });
};

/** `tracelint check --listen …` is `tracelint receive …`. */
export function listenAlias(argv: readonly string[]): string[] {
  const commandAt = argv.findIndex((arg, i) => i >= 2 && !arg.startsWith('-'));
  const end = argv.indexOf('--');
  const listen = argv.indexOf('--listen');
  if (argv[commandAt] !== 'check' || listen === -1 || (end !== -1 && listen > end)) return [...argv];
  return argv.flatMap((arg, i) => (i === commandAt ? ['receive'] : i === listen ? [] : [arg]));
}

async function receiveAndCheck(command: string[], options: ReceiveOptions, io: CliIO): Promise<ExitCode> {
  // Settings and spec files before listening: a typo fails at once, not after the run.
  const prepared = await prepareCheck(options, io);
  const store = await openStore(options.out, io);
  let stopper: Stopper | undefined;
  let receiver: Receiver | undefined;
  try {
    receiver = await listen(options, store, (inFlight) => stopper?.activity(inFlight));
    io.stderr.write(`tracelint: listening on ${receiver.url}\n`);
    if (!isLoopback(options.host)) io.stderr.write(`tracelint: warning: ${safeText(options.host)} is not loopback: anyone who can reach this port can send spans\n`);
    stopper = whenToStop({ signals: process, ...(options.untilIdle ? { idleMs: options.untilIdle } : {}), ...(command.length > 0 ? { command: wrapped(command, receiver.url, io) } : {}) });
    stopper.activity(receiver.inFlight); // a request may have arrived before the stopper existed
    const reason = await stopper.reason;
    await receiver.close();
    const result = await stopper.command;
    await store.finish();
    io.stderr.write(stopLine(reason));
    io.stderr.write(countLines(receiver.stats, store, options.out));
    const commandCode = result ? reportCommand(command, result, io) : 0;
    const code = await checkTraces(await readStored(store, options.out, io), options, io, undefined, prepared);
    return Math.max(code, commandCode) as ExitCode;
  } finally {
    stopper?.dispose();
    await receiver?.close();
    await store.dispose();
  }
}

async function openStore(out: string | undefined, io: CliIO): Promise<JsonlStore> {
  try {
    return await JsonlStore.open(out === undefined ? undefined : path.resolve(io.cwd, out));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new UsageError(out === undefined ? `cannot create a temporary directory: ${why}` : `--out ${safeText(out)}: cannot write there: ${why}`);
  }
}

async function listen(options: ReceiveOptions, store: JsonlStore, onActivity: (inFlight: number) => void): Promise<Receiver> {
  try {
    return await startReceiver({ host: options.host, port: options.port, store, onActivity, maxBodyBytes: options.maxBodyBytes, maxConnections: options.maxConnections, maxInFlight: options.maxInFlight });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use (a Collector, or another receiver?); choose another with --port' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot listen on ${safeText(options.host)}:${options.port}: ${why}`);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * The wrapped command, with the OTLP endpoint variables pointed here. Its
 * output goes to stderr, so stdout carries only the report.
 */
function wrapped(argv: string[], url: string, io: CliIO): WrappedCommand {
  const env: NodeJS.ProcessEnv = { ...io.env, OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${url}${TRACES_PATH}` };
  // SDKs that default to gRPC (Python, Go) would not reach an HTTP receiver; the user's choice stands.
  if (!io.env.OTEL_EXPORTER_OTLP_PROTOCOL && !io.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = 'http/protobuf';
  const fd = (stream: unknown): number | undefined => {
    const value = (stream as { fd?: unknown }).fd;
    return typeof value === 'number' ? value : undefined;
  };
  const err = fd(io.stderr);
  const stdio: StdioOptions = [fd(io.stdin) ?? 'ignore', err ?? 'pipe', err ?? 'pipe'];
  return { argv, env, cwd: io.cwd, stdio, ...(err === undefined ? { output: io.stderr } : {}) };
}

/** 2 when the command could not be started, 1 when it failed, 0 when it succeeded. */
function reportCommand(argv: string[], result: CommandResult, io: CliIO): ExitCode {
  const shown = safeText(argv.join(' '));
  if (result.error !== undefined) {
    io.stderr.write(`tracelint: cannot run ${shown}: ${safeText(result.error)}\n`);
    return 2;
  }
  if (result.code === 0) return 0;
  io.stderr.write(`tracelint: the command ${shown} ${result.signal ? `was ended by ${result.signal}` : `exited with code ${result.code}`}; exit code 1 unless the lint says 2\n`);
  return 1;
}

function stopLine(reason: StopReason): string {
  if (reason.kind === 'signal') return `tracelint: ${reason.signal}: stopped receiving\n`;
  if (reason.kind === 'idle') return `tracelint: no request for ${formatDuration(BigInt(reason.ms) * NANOS_PER_MILLI)}: stopped receiving\n`;
  return 'tracelint: the command ended: stopped receiving\n';
}

const REFUSALS: Record<Refusal, string> = {
  'not-found': 'to another path (404)',
  'method-not-allowed': 'not POST (405)',
  'unsupported-media-type': 'of another Content-Type (415)',
  'unsupported-encoding': 'of another Content-Encoding (415)',
  'too-large': 'too large (413)',
  'bad-gzip': 'bad gzip (400)',
  'bad-json': 'bad JSON (400)',
  'bad-protobuf': 'bad protobuf (400)',
  'bad-spans': 'without one valid span (400)',
  busy: 'while busy, asked to retry (503)',
  'shutting-down': 'while shutting down (503)',
  aborted: 'abandoned by the client',
  internal: 'failed inside the receiver (500)',
  'too-many-connections': 'connections dropped over --max-connections',
};

/** What came in, what was refused and why, and where it was kept. */
function countLines(stats: ReceiverStats, store: JsonlStore, out: string | undefined): string {
  const { json, protobuf } = stats.requests;
  const lines = [`received ${json + protobuf} request(s) (${protobuf} protobuf, ${json} JSON) with ${stats.spans} span(s)`];
  if (stats.rejectedSpans > 0) lines.push(`rejected ${stats.rejectedSpans} span(s) of partially accepted requests (fields of the wrong type)`);
  const refused = Object.entries(stats.refused).map(([reason, count]) => `${count} ${REFUSALS[reason as Refusal]}`);
  if (refused.length > 0) lines.push(`refused: ${refused.join(', ')}`);
  if (out !== undefined) lines.push(`wrote ${store.lines} request(s) to ${safeText(out)}`);
  if (stats.spans === 0) lines.push(`warning: no spans were received; is the exporter pointed at this receiver (OTEL_EXPORTER_OTLP_ENDPOINT)?`);
  return lines.map((line) => `tracelint: ${line}\n`).join('');
}

/** What was stored, read back as `check` reads files; without --out it is named `<received>`. */
async function readStored(store: JsonlStore, out: string | undefined, io: CliIO): Promise<ReadResult> {
  const label = out ?? '<received>';
  if (store.lines === 0) return readResult(new SpanColumns(), [{ name: label, format: 'otlp-jsonl', bytes: 0, compressed: false, spanCount: 0, skipped: {}, mergedParts: 0 }], []);
  return readTraces([store.path], { cwd: io.cwd, format: 'otlp-jsonl', label: () => label });
}

function whole(value: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} ${value}: expected a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`);
  return n;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`--until-idle ${value}: expected a duration such as 5s, 500ms or 2m`);
  return ms;
}
