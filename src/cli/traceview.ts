import { Command } from 'commander';
import { processIO, runCli, type CliIO, type ExitCode } from './run.js';
import { VERSION } from './version.js';

/** `traceview`: the waterfall viewer (see the traceview issue). */
export function main(argv: string[], io: CliIO = processIO()): Promise<ExitCode> {
  const program = new Command('traceview').description('Draw a trace as a waterfall in the terminal.').version(VERSION);
  return runCli(program, [], argv, io);
}
