import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The import directions DESIGN.md says must never appear, checked on every
 * file in src/: model imports nothing of ours; formats never reach rules,
 * lint, report, render or cli; rules never reach formats, report, render or
 * cli; report and render never reach formats; nothing imports cli.
 */
const SRC = fileURLToPath(new URL('../src', import.meta.url));
const FORBIDDEN: Record<string, string[]> = {
  model: ['formats', 'context', 'analysis', 'rules', 'lint', 'report', 'render', 'cli', 'io'],
  formats: ['rules', 'lint', 'report', 'render', 'cli'],
  rules: ['formats', 'report', 'render', 'cli'],
  report: ['formats', 'cli'],
  render: ['formats', 'cli'],
  analysis: ['formats', 'rules', 'lint', 'report', 'render', 'cli'],
  context: ['formats', 'rules', 'lint', 'report', 'render', 'cli', 'model'],
  lint: ['formats', 'report', 'render', 'cli'],
  io: ['formats', 'rules', 'lint', 'report', 'render', 'cli', 'model'],
};

const files = readdirSync(SRC, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => path.join(entry.parentPath, entry.name));

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) => path.relative(SRC, path.resolve(path.dirname(file), match[1]!)).split(path.sep)[0]!);
}

describe('architecture: import directions', () => {
  it.each(files.map((file) => [path.relative(SRC, file), file] as const))('%s', (relative, file) => {
    const layer = relative.split(path.sep)[0]!;
    const forbidden = FORBIDDEN[layer] ?? [];
    const bad = importsOf(file).filter((target) => forbidden.includes(target) || (target === 'cli' && layer !== 'cli'));
    expect(bad).toEqual([]);
  });
});
