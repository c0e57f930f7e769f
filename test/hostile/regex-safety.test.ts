import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every regular expression in src/ is checked for catastrophic backtracking
 * (ReDoS) by recheck, because tracelint runs them on values from strangers'
 * traces. Regex literals and `new RegExp('literal')` are found with the
 * TypeScript parser, so a new regex anywhere in src/ is covered automatically.
 */
const SRC = fileURLToPath(new URL('../../src', import.meta.url));

interface FoundRegex {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function regexesIn(file: string): FoundRegex[] {
  const text = readFileSync(file, 'utf8');
  const tree = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: FoundRegex[] = [];
  const where = (node: ts.Node): string => `${path.relative(SRC, file)}:${tree.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      const literal = node.text;
      const slash = literal.lastIndexOf('/');
      found.push({ where: where(node), source: literal.slice(1, slash), flags: literal.slice(slash + 1) });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? [];
      if (pattern && ts.isStringLiteralLike(pattern)) {
        found.push({ where: where(node), source: pattern.text, flags: flags && ts.isStringLiteralLike(flags) ? flags.text : '' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

const regexes = sourceFiles(SRC).flatMap(regexesIn);

describe('regular expressions in src/', () => {
  it('finds the regexes it is meant to check', () => {
    // The readers alone hold several; an empty list would mean the scan is broken.
    expect(regexes.length).toBeGreaterThan(10);
  });

  it.each(regexes.map((regex) => [regex.where, regex] as const))('%s is safe from catastrophic backtracking', (_where, regex) => {
    // A fixed seed: recheck's fuzz checker is random, and a verdict that changes between runs is no test.
    const result = checkSync(regex.source, regex.flags.replace(/[gy]/g, ''), { timeout: 10_000, randomSeed: 1 });
    expect({ source: regex.source, status: result.status, complexity: result.status === 'vulnerable' ? result.complexity.summary : undefined }).toEqual({
      source: regex.source,
      status: 'safe',
      complexity: undefined,
    });
  });
});
