import { spawn, type StdioOptions } from 'node:child_process';

/**
 * When the receiver stops: on SIGINT or SIGTERM; after `idleMs` without a
 * request; or when a wrapped command exits (and, with `idleMs` too, once it has
 * exited and then been quiet that long, for stragglers still flushing). A
 * signal is passed on to the wrapped command, and the stop waits for it to
 * exit, so its last spans still arrive; a second signal kills it.
 */

export type StopReason = { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'idle'; ms: number } | { kind: 'command' };

export interface CommandResult {
  /** The exit code, or null when a signal ended it or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not be started. */
  error?: string;
}

export interface WrappedCommand {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdio: StdioOptions;
  /** Where the command's stdout and stderr go when stdio pipes them. */
  output?: NodeJS.WritableStream;
}

export interface StopOptions {
  /** Where SIGINT and SIGTERM are heard (the process, in the CLI). */
  signals: NodeJS.EventEmitter;
  idleMs?: number;
  command?: WrappedCommand;
}

export interface Stopper {
  readonly reason: Promise<StopReason>;
  /** The wrapped command's end, when there is one. */
  readonly command: Promise<CommandResult> | undefined;
  /** Told as requests start and end, with the number in flight. */
  activity(inFlight: number): void;
  /** Removes the signal handlers and timers; kills the command if it still runs. */
  dispose(): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function whenToStop(options: StopOptions): Stopper {
  let stop!: (reason: StopReason) => void;
  const reason = new Promise<StopReason>((resolve) => (stop = resolve));
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let exited = options.command === undefined;

  let child: ReturnType<typeof spawn> | undefined;
  let command: Promise<CommandResult> | undefined;
  if (options.command) {
    try {
      const started = spawn(options.command.argv[0]!, options.command.argv.slice(1), { env: options.command.env, cwd: options.command.cwd, stdio: options.command.stdio });
      child = started;
      command = new Promise<CommandResult>((resolve) => {
        started.once('error', (error) => resolve({ code: null, signal: null, error: error.message }));
        started.once('exit', (code, signal) => resolve({ code, signal }));
      });
    } catch (error) {
      // Arguments spawn refuses outright (an empty program name).
      command = Promise.resolve({ code: null, signal: null, error: (error as Error).message });
    }
  }
  if (child && options.command?.output) {
    child.stdout?.pipe(options.command.output, { end: false });
    child.stderr?.pipe(options.command.output, { end: false });
  }

  const armIdle = (): void => {
    clearTimeout(timer);
    if (options.idleMs === undefined || inFlight > 0 || !exited) return;
    const ms = options.idleMs;
    timer = setTimeout(() => stop({ kind: 'idle', ms }), ms);
  };
  let signalled: NodeJS.Signals | undefined;
  void command?.then((result) => {
    exited = true;
    if (signalled) stop({ kind: 'signal', signal: signalled });
    else if (options.idleMs === undefined || result.error !== undefined) stop({ kind: 'command' });
    else armIdle();
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    const first = signalled === undefined;
    signalled ??= signal;
    if (!child || exited) return stop({ kind: 'signal', signal });
    // The command's exit then ends the receiving (above).
    child.kill(first ? signal : 'SIGKILL');
  };
  for (const signal of SIGNALS) options.signals.on(signal, onSignal);
  armIdle();

  return {
    reason,
    command,
    activity(count) {
      inFlight = count;
      armIdle();
    },
    dispose() {
      clearTimeout(timer);
      for (const signal of SIGNALS) options.signals.off(signal, onSignal);
      if (child && !exited) child.kill('SIGKILL');
    },
  };
}

/** `5s`, `500ms`, `2m`, or bare seconds; undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000);
  return Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
}
