import type { Ora } from 'ora';
import { safeText } from '../render/safe-text.js';
import type { CliIO } from './run.js';
import { groupThousands } from '../render/numbers.js';

/** Reads shorter than this show nothing: a spinner that flashes is noise. */
const DEFAULT_DELAY_MS = 500;
/** Redrawing the text more often than this costs time and shows nothing new. */
const UPDATE_EVERY_MS = 100;

export interface Progress {
  /** Bytes and spans read so far, over all inputs, and the input being read. */
  reading(bytes: number, spans: number, input: string): void;
  /** A later stage (e.g. "checking 1,000,000 spans"), shown until stop(). */
  stage(text: string): void;
  /** How far the stage has come, shown after its text as a percentage. */
  done(part: number, whole: number): void;
  /** Clears the spinner; call before writing the report. */
  stop(): void;
}

/**
 * A spinner is for a person watching a terminal: only when stderr is one, not
 * in CI (where logs would fill with frames), not with --quiet, and not when a
 * machine format goes to stdout (a terminal would show the two interleaved).
 */
export function progressWanted(io: Pick<CliIO, 'stderr' | 'env'>, options: { quiet?: boolean; machineOutput?: boolean }): boolean {
  if (options.quiet || options.machineOutput) return false;
  if (io.stderr.isTTY !== true) return false;
  // A terminal that reports no width (some ptys say 0) makes ora's line counting loop forever.
  if (!((io.stderr as { columns?: number }).columns! > 0)) return false;
  if (io.env.CI !== undefined || io.env.TERM === 'dumb') return false;
  return true;
}

/** No progress shown. */
export const NO_PROGRESS: Progress = { reading: () => {}, stage: () => {}, done: () => {}, stop: () => {} };

/** Progress on stderr after a short delay; nothing at all when not wanted. */
export async function startProgress(io: Pick<CliIO, 'stderr' | 'env'>, wanted: boolean): Promise<Progress> {
  if (!wanted) return NO_PROGRESS;
  // Loaded only for a person at a terminal: ora adds ~50 ms to a start.
  const { default: ora } = await import('ora');
  const delay = Number(io.env.TRACELINT_PROGRESS_DELAY_MS ?? DEFAULT_DELAY_MS);
  const started = performance.now();
  let spinner: Ora | undefined;
  let text = 'reading';
  let stageText = '';
  let lastUpdate = 0;
  /** Whether enough time has passed since the last redraw (now it has, for the next one). */
  const due = (): boolean => {
    const now = performance.now();
    if (now - lastUpdate < UPDATE_EVERY_MS) return false;
    lastUpdate = now;
    return true;
  };
  const show = (): void => {
    spinner ??= ora({ stream: io.stderr, isEnabled: true, discardStdin: false, text }).start();
  };
  const timer = setTimeout(show, delay);
  timer.unref();
  // Reading and checking block the event loop between chunks, so the spinner's
  // own timer rarely fires: each new text is drawn at once.
  const set = (next: string): void => {
    text = next;
    if (performance.now() - started >= delay) show();
    if (spinner) {
      spinner.text = next;
      spinner.render();
    }
  };
  return {
    reading(bytes, spans, input) {
      if (!due()) return;
      const seconds = (performance.now() - started) / 1000;
      set(`reading ${safeText(input)}: ${megabytes(bytes)}, ${groupThousands(spans)} spans, ${megabytes(seconds > 0 ? bytes / seconds : 0)}/s`);
    },
    stage(next) {
      stageText = next;
      set(next);
    },
    done(part, whole) {
      if (due()) set(`${stageText}: ${Math.floor((100 * part) / Math.max(whole, 1))}%`);
    },
    stop() {
      clearTimeout(timer);
      spinner?.stop();
    },
  };
}


function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
