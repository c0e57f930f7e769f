import { Command } from 'commander';
import { processIO, runCli, type CliIO, type ExitCode } from './run.js';
import { registerCheck } from './check.js';
import { registerExpect } from './expect.js';
import { registerHeader } from './header.js';
import { registerMerge } from './merge.js';
import { listenAlias, registerReceive } from './receive.js';
import { registerRules } from './rules.js';
import { registerStats } from './stats.js';
import { VERSION } from './version.js';

/** `tracelint`: every command registers itself from its own file. */
export function main(argv: string[], io: CliIO = processIO()): Promise<ExitCode> {
  const program = new Command('tracelint')
    .description('Lint, explain and inspect distributed traces (OpenTelemetry, Jaeger, Zipkin, Tempo).')
    .version(VERSION);
  return runCli(program, [registerCheck, registerMerge, registerReceive, registerExpect, registerStats, registerHeader, registerRules], listenAlias(argv), io);
}
