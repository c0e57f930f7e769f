import { PassThrough, Readable } from 'node:stream';
import { main as traceview } from '../../src/cli/traceview.js';
import type { CliRun } from './cli.js';

/** Runs `traceview <args>` in-process with captured output. */
export async function runTraceview(args: string[], options: { env?: NodeJS.ProcessEnv; tty?: boolean; columns?: number } = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await traceview(['node', 'traceview', ...args], {
    stdout: Object.assign(stdout, { isTTY: options.tty ?? false, columns: options.columns ?? 80 }),
    stderr: Object.assign(stderr, { isTTY: false }),
    stdin: Readable.from([]),
    env: options.env ?? {},
    cwd: process.cwd(),
  });
  return { code, stdout: out, stderr: err };
}
