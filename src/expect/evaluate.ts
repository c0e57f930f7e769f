import type { Span } from '../model/span.js';
import type { Trace, TraceSet } from '../model/trace.js';
import { checkAssertion } from './check-assertion.js';
import { selectSpans } from './select.js';
import type { Spec, SpecAssertion, SpecFile } from './types.js';
import { EvalFailure } from './values.js';

/**
 * Spec files checked against traces, as Tracetest checks a test run: in each
 * trace the file applies to, every spec's selector picks spans and every
 * assertion must hold on each of them. A spec whose selector matches nothing
 * fails, unless its assertions are only about tracetest.selected_spans.count.
 */
export interface ExpectationResults {
  files: FileResult[];
}

export interface FileResult {
  file: SpecFile;
  /** The traces the file applies to: all of them, or those with a span its `traces` selector selects. */
  traces: Trace[];
  /** One per spec and trace (one per spec, without a trace, for specs that cannot be checked). */
  cases: SpecResult[];
}

export type SpecStatus = 'passed' | 'failed' | 'skipped';

export interface SpecResult {
  file: SpecFile;
  spec: Spec;
  trace?: Trace;
  status: SpecStatus;
  /** The spans the selector selected, in trace order. */
  selected: readonly Span[];
  failures: AssertionFailure[];
}

export interface AssertionFailure {
  assertion: SpecAssertion;
  /** Where it did not hold: one entry per failing span, or one without a span when it was checked without one. */
  checks: FailedCheck[];
  /** How many times it was checked (spans, or 1 without a span). */
  checked: number;
}

export interface FailedCheck {
  span?: Span;
  /** The value found, when there was one to compare. */
  found?: string;
  /** Why nothing could be compared (no span, a missing attribute, an unknown time, a type that does not fit). */
  problem?: string;
}

export function evaluateSpecs(files: readonly SpecFile[], traces: TraceSet): ExpectationResults {
  return { files: files.map((file) => evaluateFile(file, traces)) };
}

function evaluateFile(file: SpecFile, traces: TraceSet): FileResult {
  const applicable = [...traces.traces.values()].filter((trace) => !file.traces || selectSpans(trace, file.traces.selector).length > 0);
  const cases: SpecResult[] = [];
  for (const spec of file.specs) {
    if (spec.skip) {
      cases.push({ file, spec, status: 'skipped', selected: [], failures: [] });
      continue;
    }
    for (const trace of applicable) cases.push(evaluateSpec(file, spec, trace));
  }
  return { file, traces: applicable, cases };
}

export function evaluateSpec(file: SpecFile, spec: Spec, trace: Trace): SpecResult {
  const selected = selectSpans(trace, spec.selector);
  const failures: AssertionFailure[] = [];
  for (const assertion of spec.assertions) {
    const failure = evaluateAssertion(assertion, selected);
    if (failure) failures.push(failure);
  }
  return { file, spec, trace, status: failures.length > 0 ? 'failed' : 'passed', selected, failures };
}

function evaluateAssertion(assertion: SpecAssertion, selected: readonly Span[]): AssertionFailure | undefined {
  const scopes: Array<Span | undefined> = assertion.assertion.countOnly || selected.length === 0 ? [undefined] : [...selected];
  const checks: FailedCheck[] = [];
  for (const span of scopes) {
    try {
      const { holds, found } = checkAssertion(assertion.assertion, { ...(span ? { span } : {}), selectedCount: selected.length });
      if (!holds) checks.push({ ...(span ? { span } : {}), found });
    } catch (error) {
      if (!(error instanceof EvalFailure)) throw error;
      checks.push({ ...(span ? { span } : {}), problem: error.message });
    }
  }
  return checks.length > 0 ? { assertion, checks, checked: scopes.length } : undefined;
}

/** Names a spec of a file, the same for its findings and its test cases. */
export function specKey(file: SpecFile, spec: Spec): string {
  return `${file.file}#${spec.index}`;
}
