import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The import directions DESIGN.md says must never appear, checked on every
 * file in src/: model imports nothing of ours; formats never reach rules,
 * lint, report, render or cli; rules never reach formats, report, render or
 * cli; report and render never reach formats; nothing imports cli.
 * receive (the OTLP/HTTP receiver) sits between: cli -> receive -> formats,
 * io, model; it never lints or reports (the cli does), and only cli imports it.
 * expect (spec files, selectors, assertions) reads the model and nothing that
 * reads or writes files of traces or reports: rules, lint and cli use it.
 * text (did-you-mean) imports nothing of ours.
 */
const SRC = fileURLToPath(new URL('../src', import.meta.url));
const FORBIDDEN: Record<string, string[]> = {
  model: ['formats', 'context', 'analysis', 'rules', 'lint', 'report', 'render', 'cli', 'io', 'receive', 'expect', 'text'],
  formats: ['rules', 'lint', 'report', 'render', 'cli', 'receive', 'expect'],
  rules: ['formats', 'report', 'render', 'cli', 'receive'],
  report: ['formats', 'cli', 'receive', 'expect'],
  render: ['formats', 'cli', 'receive', 'expect'],
  analysis: ['formats', 'rules', 'lint', 'report', 'render', 'cli', 'receive', 'expect'],
  context: ['formats', 'rules', 'lint', 'report', 'render', 'cli', 'model', 'receive', 'expect'],
  lint: ['formats', 'report', 'render', 'cli', 'receive'],
  io: ['formats', 'rules', 'lint', 'report', 'render', 'cli', 'model', 'receive', 'expect'],
  receive: ['rules', 'lint', 'analysis', 'report', 'render', 'cli', 'expect'],
  expect: ['formats', 'rules', 'lint', 'report', 'render', 'cli', 'receive', 'io'],
  text: ['model', 'formats', 'context', 'analysis', 'rules', 'lint', 'report', 'render', 'cli', 'io', 'receive', 'expect'],
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
