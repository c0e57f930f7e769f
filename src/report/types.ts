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
  /** The traces the findings are about, for reporters that draw waterfalls (html, markdown); the others ignore it. */
  traces?: TraceSet;
  /** What happened beside the findings: why the run was incomplete (errors: exit 2), and notes on how inputs were read. */
  notices: readonly RunNotice[];
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

/**
 * Something about the run that is not a finding. An error made it incomplete
 * (an unreadable input or line, a rule that failed): the run exits 2, and
 * machine reports say why. A note says how an input was read (lines of other
 * signals skipped, Zipkin span parts merged).
 */
export interface RunNotice {
  level: 'error' | 'note';
  /** Without the location, which is in the fields below. */
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface RunSummary {
  inputs: Array<{ name: string; format: string; spans: number }>;
  /** The run's exit code: 0 nothing at error level, 1 findings at error level or too many warnings, 2 incomplete (see notices). */
  exitCode: 0 | 1 | 2;
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
