import { RULES } from '../rules/index.js';

/**
 * Where a rule's documentation is, for the reports that link to it: the rule's page
 * docs/rules/<id>.md as published in the npm package (its `files` include docs/), at
 * the version that made the report, so the page matches the rule that ran:
 *   https://unpkg.com/tracelint@<version>/docs/rules/<id>.md
 * A rule that is not one of tracelint's (a library user's own) has no page.
 */
export const RULE_DOCS_BASE = 'https://unpkg.com/tracelint@';

const BUILT_IN = new Set(RULES.map((rule) => rule.id));

export function ruleDocsUrl(ruleId: string, toolVersion: string): string | undefined {
  if (!BUILT_IN.has(ruleId)) return undefined;
  return `${RULE_DOCS_BASE}${encodeURIComponent(toolVersion)}/docs/rules/${encodeURIComponent(ruleId)}.md`;
}
