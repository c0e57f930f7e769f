import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleMarkdown, rulesIndexMarkdown } from '../../src/lint/docs.js';
import { RULES } from '../../src/rules/index.js';

const DOCS = fileURLToPath(new URL('../../docs/rules', import.meta.url));
const RULE_SOURCES = fileURLToPath(new URL('../../src/rules', import.meta.url));

describe('rule metadata is the single source of the docs', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('docs/rules/%s.md is what the metadata generates (npm run docs)', (id, rule) => {
    const file = path.join(DOCS, `${id}.md`);
    expect(existsSync(file), `missing ${file}: run npm run docs`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(ruleMarkdown(rule));
  });

  it('docs/rules/README.md indexes every rule, and no stale page remains', () => {
    expect(readFileSync(path.join(DOCS, 'README.md'), 'utf8')).toBe(rulesIndexMarkdown(RULES));
    expect(readdirSync(DOCS).sort()).toEqual([...RULES.map((rule) => `${rule.id}.md`), 'README.md'].sort());
  });

  it('every rule lives in a file named by its id, has kebab-case id, docs and a summary', () => {
    const ids = new Set<string>();
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
      expect(ids.has(rule.id)).toBe(false);
      ids.add(rule.id);
      expect(existsSync(path.join(RULE_SOURCES, `${rule.id}.ts`))).toBe(true);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.docs.why.length).toBeGreaterThan(40);
      expect(rule.docs.fix.length).toBeGreaterThan(20);
    }
  });

  it('every rule has invalid cases in the rule tables', () => {
    const tables = readdirSync(fileURLToPath(new URL('../rules', import.meta.url)))
      .map((name) => readFileSync(fileURLToPath(new URL(`../rules/${name}`, import.meta.url)), 'utf8'))
      .join('\n');
    for (const rule of RULES) {
      const exported = readFileSync(path.join(RULE_SOURCES, `${rule.id}.ts`), 'utf8').match(/export const (\w+) = defineRule/)![1]!;
      expect(tables, `${rule.id} has no ruleTable`).toContain(`ruleTable(${exported},`);
    }
  });
});
