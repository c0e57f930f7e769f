import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateSpecs, type SpecResult } from '../../src/expect/evaluate.js';
import { loadSpecFile } from '../../src/expect/load.js';
import { pokeshopImport, type PokeshopOptions } from '../support/pokeshop.js';

/** Spec files copied from Tracetest's documentation (tracetest-docs/NOTICE.md says from where). */
const DOCS = fileURLToPath(new URL('./tracetest-docs/', import.meta.url));
const load = (name: string) => loadSpecFile(path.join(DOCS, name), {}, name);

/** Each case as `spec index: status` (with what failed), trace by trace. */
function outcome(cases: SpecResult[]): string[] {
  return cases.map((c) => `${c.spec.index}: ${c.status}${c.failures.map((f) => ` [${f.assertion.assertion.text}: ${f.checks.map((check) => check.found ?? check.problem).join(', ')}]`).join('')}`);
}

describe("spec files from Tracetest's documentation", () => {
  it('the Pokeshop import test parses as written: its name, five specs, a selector folded over two lines, the trigger and outputs left aside', async () => {
    const file = await load('creating-tests-import.yaml');
    expect(file.name).toBe('DEMO Pokemon - Import - Import a Pokemon');
    expect(file.specs.map((spec) => spec.selector.text)).toEqual([
      'span[name = "POST /pokemon/import"]',
      'span[name = "send message to queue"]',
      'span[name = "consume message from queue"]:last',
      'span[name = "consume message from queue"]:last span[name = "import pokemon from pokeapi"]',
      'span[name = "consume message from queue"]:last span[name = "save pokemon on database"]',
    ]);
    expect(file.specs.map((spec) => [spec.at.line, spec.at.column])).toEqual([
      [15, 17],
      [19, 17],
      [22, 17],
      [25, 17],
      [29, 17],
    ]);
    expect(file.specs[4]!.assertions.map((a) => [a.assertion.text, a.at.line, a.at.column])).toEqual([
      ['attr:db.repository.operation = "create"', 32, 11],
      ['attr:tracetest.span.duration <= 500ms', 33, 11],
    ]);
  });

  it.each([
    ['creating-tests-import.yaml', 'cli-docs'],
    ['creating-tests-specs.yaml', 'cli-docs'],
    ['specifications-db-select.yaml', 'cli-docs'],
    ['specifications-http.yaml', 'cli-docs'],
    ['pokeshop-import.yaml', 'live-docs'],
  ] as const)('%s passes on the trace it was written for, every spec selecting spans', async (name, names) => {
    const file = await load(name);
    const { traces } = await pokeshopImport({ names });
    expect(traces.traces.size).toBe(1);
    const [result] = evaluateSpecs([file], traces).files;
    expect(result!.cases).toHaveLength(file.specs.length);
    expect(outcome(result!.cases)).toEqual(file.specs.map((spec) => `${spec.index}: passed`));
    for (const c of result!.cases) expect(c.selected.length, c.spec.selector.text).toBeGreaterThan(0);
  });

  it.each<[string, PokeshopOptions, string[]]>([
    [
      // The worker starts a trace of its own: in the request's trace its spans are missing, and
      // the worker's trace has no request. Both traces are checked (the file has no traces selector).
      'creating-tests-import.yaml',
      { names: 'cli-docs', broken: 'propagation' },
      [
        '0: passed',
        '0: failed [attr:tracetest.span.duration <= 500ms: no span matched] [attr:http.status_code = 200: no span matched]',
        '1: passed',
        '1: failed [attr:messaging.message.payload contains 52: no span matched]',
        '2: failed [attr:messaging.message.payload contains 52: no span matched]',
        '2: passed',
        '3: failed [attr:http.status_code = 200: no span matched]',
        '3: passed',
        '4: failed [attr:db.repository.operation = "create": no span matched] [attr:tracetest.span.duration <= 500ms: no span matched]',
        '4: passed',
      ],
    ],
    ['creating-tests-import.yaml', { names: 'cli-docs', broken: 'pokeapi' }, ['0: passed', '1: passed', '2: passed', '3: failed [attr:http.status_code = 200: 500]', '4: passed']],
    ['creating-tests-specs.yaml', { names: 'cli-docs', broken: 'pokeapi' }, ['0: failed [attr:http.status_code   =   200: 500]', '1: passed']],
    ['specifications-http.yaml', { names: 'cli-docs', broken: 'pokeapi' }, ['0: failed [attr:http.status_code < 300: 500]']],
    ['pokeshop-import.yaml', { names: 'live-docs', broken: 'pokeapi' }, ['0: passed', '1: passed', '2: passed', '3: failed [attr:http.response.body  =  \'{"name":"meowth"}\': "{\\"error\\":\\"internal\\"}"] [attr:http.status_code  =  200: 500]', '4: passed']],
  ])('%s fails as it should when the system breaks (%j)', async (name, options, expected) => {
    const file = await load(name);
    const { traces } = await pokeshopImport(options);
    const [result] = evaluateSpecs([file], traces).files;
    expect(outcome(result!.cases)).toEqual(expected);
  });
});
