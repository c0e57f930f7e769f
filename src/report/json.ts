import { terminalSafeJson } from '../render/safe-text.js';
import type { Reporter } from './types.js';

/**
 * The JSON reporter's schema (docs/json-report.md): a versioned object with the
 * tool, the summary and one entry per diagnostic. Fields are only added in a
 * minor version; `version` changes if one is removed or changes meaning.
 */
export const JSON_REPORT_VERSION = 1;

export const jsonReporter: Reporter = ({ diagnostics, summary, toolVersion, expectations }) =>
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
        location: d.location ? { file: d.location.file, format: d.location.format, line: d.location.line ?? null, column: d.location.column ?? null } : null,
        fingerprint: d.fingerprint,
        data: d.data,
      })),
      // Only with spec files, so reports of runs without them are unchanged.
      ...(expectations ? { expectations: expectations.map((e) => ({ ...e, traceId: e.traceId ?? null, reason: e.reason ?? null })) } : {}),
    },
    undefined,
    2,
  )}\n`;
