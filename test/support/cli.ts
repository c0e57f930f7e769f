import { PassThrough, Readable } from 'node:stream';
import { main as tracelint } from '../../src/cli/tracelint.js';
import { main as traceview } from '../../src/cli/traceview.js';
import type { CliIO } from '../../src/cli/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  stdin?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  tty?: boolean;
  /** stderr is a terminal (where a progress spinner may show). */
  stderrTty?: boolean;
  columns?: number;
  /** Sees stderr as it is written, while the command runs (e.g. to learn the port `receive` listens on). */
  onStderr?: (text: string) => void;
}

/** Runs a CLI program in-process with captured output, as a user would from a shell in `cwd` (a test of the build passes dist/'s `main`). */
export async function runMain(main: (argv: string[], io: CliIO) => Promise<number>, name: string, args: string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    options.onStderr?.(err);
  });
  const io: CliIO = {
    stdout: Object.assign(stdout, { isTTY: options.tty ?? false, columns: options.columns ?? 100 }),
    stderr: options.stderrTty ? asTerminal(stderr) : Object.assign(stderr, { isTTY: false }),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(['node', name, ...args], io);
  return { code, stdout: out, stderr: err };
}

/** A stream that answers the cursor calls a tty.WriteStream has (what ora uses), with ANSI sequences. */
export function asTerminal(stream: PassThrough): PassThrough & { isTTY: true } {
  return Object.assign(stream, {
    isTTY: true as const,
    columns: 100,
    cursorTo: (x: number, callback?: () => void) => stream.write(`\x1b[${x + 1}G`, callback),
    clearLine: (_direction: number, callback?: () => void) => stream.write('\x1b[2K', callback),
    moveCursor: (dx: number, dy: number, callback?: () => void) => stream.write(`${dy < 0 ? `\x1b[${-dy}A` : ''}${dx > 0 ? `\x1b[${dx}C` : ''}`, callback),
  });
}

export function runTracelint(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return runMain(tracelint, 'tracelint', args, options);
}

export function runTraceview(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return runMain(traceview, 'traceview', args, { columns: 80, ...options });
}
