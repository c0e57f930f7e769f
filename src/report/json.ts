import type { Diagnostic } from '../lint/types.js';
import { prettyJsonChunks } from './stream-json.js';
import type { ReportInput, Reporter } from './types.js';

/**
 * The JSON reporter's schema (docs/json-report.md): a versioned object with the
 * tool, the summary, one entry per diagnostic and the run's notices. Fields are
 * only added in a minor version; `version` changes if one is removed or changes meaning.
 */
export const JSON_REPORT_VERSION = 1;

export const jsonReporter: Reporter = (input) => [...jsonChunks(input)].join('');

/** The JSON report as chunks, a diagnostic at a time (`check` writes them as they come). */
export function* jsonChunks({ diagnostics, summary, toolVersion, notices, expectations }: ReportInput): Generator<string> {
  const report = {
    version: JSON_REPORT_VERSION,
    tool: { name: 'tracelint', version: toolVersion },
    summary,
    diagnostics: [],
    notices: notices.map((n) => ({ level: n.level, message: n.message, file: n.file ?? null, line: n.line ?? null, column: n.column ?? null })),
    // Only with spec files, so reports of runs without them are unchanged.
    ...(expectations ? { expectations: expectations.map((e) => ({ ...e, traceId: e.traceId ?? null, reason: e.reason ?? null })) } : {}),
  };
  yield* prettyJsonChunks(report, ['diagnostics'], diagnostics, diagnosticJson);
  yield '\n';
}

function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    traceId: d.traceId ?? null,
    spanId: d.spanId ?? null,
    service: d.service ?? null,
    location: d.location ? location(d.location) : null,
    fingerprint: d.fingerprint,
    count: d.count,
    occurrences: (d.occurrences ?? []).map((o) => ({ traceId: o.traceId ?? null, spanId: o.spanId ?? null, location: o.location ? location(o.location) : null })),
    data: d.data,
  };
}

function location(l: { file: string; format: string; line?: number; column?: number }): Record<string, unknown> {
  return { file: l.file, format: l.format, line: l.line ?? null, column: l.column ?? null };
}
