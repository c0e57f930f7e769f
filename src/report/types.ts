import type { Diagnostic, Rule } from '../lint/types.js';

/** What a reporter is given: the findings as data, the rules' metadata, and the run's totals. */
export interface ReportInput {
  diagnostics: readonly Diagnostic[];
  rules: readonly Rule[];
  summary: RunSummary;
  /** Paths in reports are relative to this. */
  cwd: string;
  /** Colour for the human reporter (decided by the CLI: TTY, NO_COLOR, FORCE_COLOR, flags). */
  color: boolean;
  toolVersion: string;
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
