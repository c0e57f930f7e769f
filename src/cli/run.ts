import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.js';
import { SpecError } from '../expect/load.js';
import { InputError } from '../formats/errors.js';
import { ConfigError } from '../lint/config.js';
import { safeMultiline, safeText } from '../render/safe-text.js';

/** What a command's action hands back: the process exit code (0, 1 or 2). */
export type ExitCode = 0 | 1 | 2;

/** Shared by every command: where output goes, so tests can capture it. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** A command registers itself on the program; its action returns the exit code. */
export type CommandRegistrar = (program: Command, io: CliIO, exit: (code: ExitCode) => void) => void;

/**
 * Parses argv, runs the chosen command and turns every failure into exit code 2
 * with a one-line message; the stack trace only with --debug.
 */
export async function runCli(program: Command, commands: CommandRegistrar[], argv: string[], io: CliIO): Promise<ExitCode> {
  let exitCode: ExitCode = 0;
  const exit = (code: ExitCode): void => {
    exitCode = Math.max(exitCode, code) as ExitCode;
  };
  program
    .option('--debug', 'print stack traces for internal errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of commands) register(program, io, exit);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportFailure(error, argv.includes('--debug'), io);
  }
}

function reportFailure(error: unknown, debug: boolean, io: CliIO): ExitCode {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; commander already printed usage errors.
    return error.exitCode === 0 ? 0 : 2;
  }
  const program = 'tracelint';
  if (error instanceof InputError || error instanceof UsageError || error instanceof ConfigError || error instanceof SpecError) {
    // Our own layout (an error may list what was tried, a line each) stays; what the input put in is made safe.
    io.stderr.write(`${program}: ${safeMultiline(error.message)}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${program}: internal error: ${safeText(message)}\n`);
    if (!debug) io.stderr.write('run again with --debug for the stack trace\n');
  }
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return 2;
}
