import type { Rule } from './types.js';

/** A rule's documentation page, made from its metadata alone (docs/rules/<id>.md and `tracelint explain`). */
export function ruleMarkdown(rule: Rule): string {
  const lines = [
    `# ${rule.id}`,
    '',
    `${rule.summary}`,
    '',
    `- Category: ${rule.category}`,
    `- Default severity: ${rule.defaultSeverity}`,
    `- Scope: ${rule.scope === 'set' ? 'all traces together' : 'each trace'}`,
    '',
    '## Why it matters',
    '',
    rule.docs.why,
    '',
    '## How to fix it',
    '',
    rule.docs.fix,
  ];
  const options = Object.entries(rule.options);
  if (options.length > 0) {
    lines.push('', '## Options', '', '| option | type | default | meaning |', '| --- | --- | --- | --- |');
    for (const [name, option] of options) lines.push(`| \`${name}\` | ${option.type} | \`${JSON.stringify(option.default)}\` | ${option.description} |`);
  }
  if (rule.docs.references?.length) {
    lines.push('', '## References', '', ...rule.docs.references.map((reference) => `- ${reference}`));
  }
  lines.push('', '## Configure', '', '```json', JSON.stringify({ rules: { [rule.id]: rule.defaultSeverity } }, null, 2), '```', '');
  return lines.join('\n');
}

/** docs/rules/README.md: the index of every rule. */
export function rulesIndexMarkdown(rules: readonly Rule[]): string {
  const lines = ['# tracelint rules', '', 'Generated from the rules\' metadata by `npm run docs`; a test keeps it in sync.', '', '| rule | category | default | summary |', '| --- | --- | --- | --- |'];
  for (const rule of rules) lines.push(`| [${rule.id}](${rule.id}.md) | ${rule.category} | ${rule.defaultSeverity} | ${rule.summary} |`);
  return `${lines.join('\n')}\n`;
}
