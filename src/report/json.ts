import { terminalSafeJson } from '../render/safe-text.js';
import type { Reporter } from './types.js';

/**
 * The JSON reporter's schema (docs/json-report.md): a versioned object with the
 * tool, the summary, one entry per diagnostic and the run's notices. Fields are
 * only added in a minor version; `version` changes if one is removed or changes meaning.
 */
export const JSON_REPORT_VERSION = 1;

export const jsonReporter: Reporter = ({ diagnostics, summary, toolVersion, notices, expectations }) =>
  `${terminalSafeJson(
    {
      version: JSON_REPORT_VERSION,
      tool: { name: 'tracelint', version: toolVersion },
      summary,
      diagnostics: diagnostics.map((d) => ({
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
      })),
      notices: notices.map((n) => ({ level: n.level, message: n.message, file: n.file ?? null, line: n.line ?? null, column: n.column ?? null })),
      // Only with spec files, so reports of runs without them are unchanged.
      ...(expectations ? { expectations: expectations.map((e) => ({ ...e, traceId: e.traceId ?? null, reason: e.reason ?? null })) } : {}),
    },
    undefined,
    2,
  )}\n`;

function location(l: { file: string; format: string; line?: number; column?: number }): Record<string, unknown> {
  return { file: l.file, format: l.format, line: l.line ?? null, column: l.column ?? null };
}
