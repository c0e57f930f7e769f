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
  /** The spec files' test cases (`check --expect`): one per spec and trace, passed, failed or skipped. */
  expectations?: readonly ExpectationCase[];
}

/** One spec checked against one trace, or a spec file that found no trace to check: a test case in CI views. */
export interface ExpectationCase {
  /** The spec file as the user named it. */
  file: string;
  line: number;
  column: number;
  /** The spec's name, else its selector. */
  name: string;
  selector: string;
  traceId?: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why a case was skipped: it cannot be checked on recorded traces, or its failures are not reported (baseline, ignore, --quiet, severity). */
  reason?: string;
  /** The `case` in the data of the case's findings. */
  key: string;
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
  /** Spec cases by outcome, when spec files were given (`check --expect`). */
  expectations?: { passed: number; failed: number; skipped: number };
}

export type Reporter = (input: ReportInput) => string;
