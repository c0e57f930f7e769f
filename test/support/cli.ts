import { PassThrough, Readable } from 'node:stream';
import { main as tracelint } from '../../src/cli/tracelint.js';
import type { CliIO } from '../../src/cli/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tracelint <args>` in-process with captured output, as a user would from a shell in `cwd`. */
export async function runTracelint(args: string[], options: { cwd?: string; stdin?: string | Buffer; env?: NodeJS.ProcessEnv; tty?: boolean } = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIO = {
    stdout: Object.assign(stdout, { isTTY: options.tty ?? false, columns: 100 }),
    stderr: Object.assign(stderr, { isTTY: false }),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await tracelint(['node', 'tracelint', ...args], io);
  return { code, stdout: out, stderr: err };
}
