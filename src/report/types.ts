import type { Diagnostic, Rule } from '../lint/types.js';
import type { TraceSet } from '../model/trace.js';

/**
 * What a reporter is given: the findings as data, the rules' metadata, and the run's totals.
 * Reporters that draw traces (html, markdown) also read `traces` and `outcome`; the others
 * need neither, so a caller with only diagnostics can leave them out.
 */
export interface ReportInput {
  diagnostics: readonly Diagnostic[];
  rules: readonly Rule[];
  summary: RunSummary;
  /** Paths in reports are relative to this. */
  cwd: string;
  /** Colour for the human reporter (decided by the CLI: TTY, NO_COLOR, FORCE_COLOR, flags). */
  color: boolean;
  toolVersion: string;
  /** The traces the findings are about, for reporters that draw waterfalls. */
  traces?: TraceSet;
  /** How the run ends: its exit code and why, for reports that show it. */
  outcome?: RunOutcome;
}

export interface RunOutcome {
  /** 0 nothing at error level, 1 errors or too many warnings, 2 incomplete (unreadable input, a rule that failed). */
  exitCode: 0 | 1 | 2;
  /** Why, in a few words each (empty for exit 0). */
  reasons: string[];
}

export interface RunSummary {
  inputs: Array<{ name: string; format: string; spans: number }>;
  traces: number;
  spans: number;
  errors: number;
  warnings: number;
  /** Accepted by the baseline. */
  baselined: number;
  /** Left out by ignore patterns. */
  ignored: number;
}

export type Reporter = (input: ReportInput) => string;
