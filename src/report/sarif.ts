import type { Diagnostic, Rule } from '../lint/types.js';
import { displayPath } from './paths.js';
import { prettyJsonChunks } from './stream-json.js';
import type { ReportInput, Reporter } from './types.js';

/**
 * SARIF 2.1.0, for code-scanning dashboards: the rules as the tool's driver
 * rules (with their docs as help), each finding as a result with its file
 * location, a partial fingerprint for deduplication across runs, and the
 * trace, span, service and measured data as properties.
 */
export const sarifReporter: Reporter = (input) => [...sarifChunks(input)].join('');

/** The SARIF log as chunks, a result at a time (`check` writes them as they come). */
export function* sarifChunks({ diagnostics, rules, cwd, toolVersion, summary, notices }: ReportInput): Generator<string> {
  const physical = (l: { file: string; line?: number; column?: number }): Record<string, unknown> => ({
    artifactLocation: { uri: encodeURI(displayPath(l.file, cwd)) },
    ...(l.line !== undefined ? { region: { startLine: l.line, ...(l.column !== undefined ? { startColumn: l.column } : {}) } } : {}),
  });
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tracelint',
            version: toolVersion,
            informationUri: 'https://www.npmjs.com/package/tracelint',
            rules: rules.map(sarifRule),
          },
        },
        results: [],
        // How the run went: SARIF's place for what made it incomplete, so code scanning shows why.
        invocations: [
          {
            executionSuccessful: summary.exitCode !== 2,
            exitCode: summary.exitCode,
            toolExecutionNotifications: notices.map((n) => ({
              level: n.level === 'error' ? 'error' : 'note',
              message: { text: n.message },
              ...(n.file !== undefined ? { locations: [{ physicalLocation: physical({ ...n, file: n.file }) }] } : {}),
            })),
          },
        ],
      },
    ],
  };
  const result = (d: Diagnostic): Record<string, unknown> => ({
    ruleId: d.ruleId,
    ...(ruleIndex.has(d.ruleId) ? { ruleIndex: ruleIndex.get(d.ruleId) } : {}),
    level: d.severity === 'error' ? 'error' : 'warning',
    message: { text: d.count > 1 ? `${d.message} (×${d.count} spans)` : d.message },
    ...(d.location ? { locations: [{ physicalLocation: physical(d.location) }] } : {}),
    // The other spans a grouped finding was seen on.
    ...(d.count > 1
      ? {
          relatedLocations: (d.occurrences ?? [])
            .slice(1)
            .filter((o) => o.location !== undefined)
            .map((o, i) => ({ id: i + 1, physicalLocation: physical(o.location!), message: { text: `also seen on${o.traceId ? ` trace ${o.traceId}` : ''}${o.spanId ? ` span ${o.spanId}` : ''}` } })),
        }
      : {}),
    partialFingerprints: { 'tracelint/v1': d.fingerprint },
    properties: { traceId: d.traceId ?? null, spanId: d.spanId ?? null, service: d.service ?? null, count: d.count, data: d.data },
  });
  yield* prettyJsonChunks(log, ['runs', '0', 'results'], diagnostics, result);
  yield '\n';
}

function sarifRule(rule: Rule): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.docs.why },
    help: { text: `${rule.docs.why}\n\nHow to fix: ${rule.docs.fix}`, markdown: `${rule.docs.why}\n\n**How to fix:** ${rule.docs.fix}` },
    defaultConfiguration: { level: rule.defaultSeverity === 'error' ? 'error' : 'warning' },
    properties: { category: rule.category, tags: ['tracing', rule.category] },
  };
}
