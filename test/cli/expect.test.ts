import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTracelint } from '../support/cli.js';
import { pokeshopImport } from '../support/pokeshop.js';

const healthy = (await pokeshopImport({ names: 'cli-docs' })).text;
const brokenPokeapi = (await pokeshopImport({ names: 'cli-docs', broken: 'pokeapi' })).text;
const brokenPropagation = (await pokeshopImport({ names: 'cli-docs', broken: 'propagation' })).text;

const SPECS = `type: Test
spec:
  name: import a pokemon
  traces: span[name="POST /pokemon/import"]
  specs:
    - name: the API answers 200
      selector: span[name = "POST /pokemon/import"]
      assertions:
        - attr:http.status_code = 200
    - name: PokeAPI answers 200
      selector: span[service.name = "pokeshop-worker"] span[name = "import pokemon from pokeapi"]
      assertions:
        - attr:http.status_code = 200
        - attr:tracetest.span.duration < 1s
`;

/** A temporary directory holding these files. */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-expect-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('tracelint check --expect', () => {
  it('specs that hold: exit 0, counted in the summary', async () => {
    const cwd = workspace({ 'import.yaml': SPECS, 'traces.json': healthy });
    const { code, stdout, stderr } = await runTracelint(['check', 'traces.json', '--expect', 'import.yaml', '--rule', 'deprecated-attribute=off'], { cwd });
    expect(stderr).toBe('');
    expect(stdout).toContain('✔ no problems in 1 trace, 6 spans; expectations: 2 passed\n');
    expect(code).toBe(0);
  });

  it('a failed assertion: exit 1, the finding at its line in the spec file, naming the spec and what was found', async () => {
    const cwd = workspace({ 'import.yaml': SPECS, 'traces.json': brokenPokeapi });
    const { code, stdout } = await runTracelint(['check', '--expect', 'import.yaml', 'traces.json'], { cwd });
    expect(stdout).toContain(
      "import.yaml\n  trace " +
        JSON.parse(brokenPokeapi).resourceSpans[0].scopeSpans[0].spans[0].traceId +
        "\n    13:11  error  spec \"PokeAPI answers 200\" span[service.name = \"pokeshop-worker\"] span[name = \"import pokemon from pokeapi\"]: attr:http.status_code = 200: found 500 on CLIENT 'import pokemon from pokeapi' in pokeshop-worker  expectation\n",
    );
    expect(stdout).toContain('expectations: 1 passed, 1 failed\n');
    expect(code).toBe(1);
  });

  it('broken propagation: the worker is not in the request\'s trace, so its spec fails with no span matched', async () => {
    const cwd = workspace({ 'import.yaml': SPECS, 'traces.json': brokenPropagation });
    const { code, stdout } = await runTracelint(['check', '--expect', 'import.yaml', '--reporter', 'json', 'traces.json'], { cwd });
    const report = JSON.parse(stdout) as { summary: Record<string, unknown>; diagnostics: Array<{ ruleId: string; message: string; location: unknown; data: Record<string, unknown> }>; expectations: Array<Record<string, unknown>> };
    const expectations = report.diagnostics.filter((d) => d.ruleId === 'expectation');
    expect(expectations.map((d) => d.message)).toEqual([
      'spec "PokeAPI answers 200" span[service.name = "pokeshop-worker"] span[name = "import pokemon from pokeapi"]: attr:http.status_code = 200: no span matched',
      'spec "PokeAPI answers 200" span[service.name = "pokeshop-worker"] span[name = "import pokemon from pokeapi"]: attr:tracetest.span.duration < 1s: no span matched',
    ]);
    expect(expectations[0]!.location).toEqual({ file: 'import.yaml', format: 'spec', line: 13, column: 11 });
    // The worker's own trace has no POST /pokemon/import, so the traces selector leaves it out.
    expect(report.summary.expectations).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(report.expectations.map((e) => [e.name, e.status, e.line, e.column])).toEqual([
      ['the API answers 200', 'passed', 7, 17],
      ['PokeAPI answers 200', 'failed', 11, 17],
    ]);
    expect(code).toBe(1);
  });

  it('JUnit: one test case per spec and trace, passed or failed with its findings', async () => {
    const cwd = workspace({ 'import.yaml': SPECS, 'traces.json': brokenPokeapi });
    const { stdout } = await runTracelint(['check', 'traces.json', '--expect', 'import.yaml', '--reporter', 'junit', '--rule', 'deprecated-attribute=off', '--rule', 'error-without-details=off'], { cwd });
    expect(stdout).toMatch(/<testsuites name="tracelint" tests="2" failures="1" errors="0">/);
    expect(stdout).toContain('<testsuite name="expect import.yaml" tests="2" failures="1" errors="0" skipped="0">');
    expect(stdout).toMatch(/<testcase classname="tracelint.expect.import.yaml" name="the API answers 200 \[trace [0-9a-f]{32}\]" file="import.yaml:7:17"\/>/);
    expect(stdout).toMatch(/<testcase classname="tracelint.expect.import.yaml" name="PokeAPI answers 200 \[trace [0-9a-f]{32}\]" file="import.yaml:11:17">\n {6}<failure type="error" message="spec &quot;PokeAPI answers 200&quot;/);
    // The failure is in its spec's case, not a second time in a suite of the rule.
    expect(stdout).not.toContain('<testsuite name="expectation"');
  });

  it.each([
    [['--rule', 'expectation=warn'], 0, 'expectations: 1 passed, 1 failed'],
    [['--rule', 'expectation=off'], 0, 'expectations: 1 passed, 1 skipped'],
    [['--rule', 'expectation=warn', '--quiet'], 0, 'expectations: 1 passed, 1 skipped'],
    [['--rule', 'expectation=warn', '--max-warnings', '0'], 1, 'expectations: 1 passed, 1 failed'],
  ])('the expectation rule is configured like any rule: %j', async (flags, exitCode, summary) => {
    const cwd = workspace({ 'import.yaml': SPECS, 'traces.json': brokenPokeapi });
    const { code, stdout } = await runTracelint(['check', 'traces.json', '--expect', 'import.yaml', '--rule', 'deprecated-attribute=off', ...flags], { cwd });
    expect(stdout).toContain(summary);
    expect(code).toBe(exitCode);
  });

  it('a spec file in the config, relative to the config file; --expect replaces it', async () => {
    const cwd = workspace({ 'tracelint.config.json': '{"expect": ["specs/import.yaml"]}', 'specs/import.yaml': SPECS, 'data/traces.json': brokenPokeapi, 'other.yaml': 'specs:\n  - selector: span[]\n    assertions: [attr:tracetest.selected_spans.count = 6]\n' });
    const fromConfig = await runTracelint(['check', 'traces.json'], { cwd: path.join(cwd, 'data') });
    // Outside the working directory, reports name it by its absolute path.
    expect(fromConfig.stdout).toContain(`${path.join(cwd, 'specs', 'import.yaml')}\n`);
    expect(fromConfig.stdout).toContain('expectations: 1 passed, 1 failed');
    expect(fromConfig.code).toBe(1);
    const replaced = await runTracelint(['check', '--expect', '../other.yaml', 'traces.json'], { cwd: path.join(cwd, 'data') });
    expect(replaced.stdout).toContain('expectations: 1 passed\n');
  });

  it('several spec files: repeated --expect, a directory, a glob', async () => {
    const cwd = workspace({ 'specs/a.yaml': SPECS, 'specs/b.yml': SPECS, 'specs/notes.txt': 'not a spec', 'traces.json': healthy });
    for (const flags of [['--expect', 'specs/a.yaml', '--expect', 'specs/b.yml'], ['--expect', 'specs'], ['--expect', 'specs/*.y*ml']]) {
      const { code, stdout } = await runTracelint(['check', ...flags, 'traces.json'], { cwd });
      expect(stdout, flags.join(' ')).toContain('expectations: 4 passed\n');
      expect(code).toBe(0);
    }
  });

  it('a span the producer left without an end time: an assertion on its duration fails as unknown, not as 0', async () => {
    const otlp = JSON.parse(healthy) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
    const request = otlp.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).find((s) => s.name === 'POST /pokemon/import')!;
    delete request.endTimeUnixNano;
    const cwd = workspace({ 'import.yaml': 'specs:\n  - selector: span[name = "POST /pokemon/import"]\n    assertions: [attr:tracetest.span.duration <= 500ms]\n', 'traces.json': JSON.stringify(otlp) });
    const { code, stdout } = await runTracelint(['check', 'traces.json', '--expect', 'import.yaml', '--reporter', 'json'], { cwd });
    const found = (JSON.parse(stdout) as { diagnostics: Array<{ ruleId: string; message: string }> }).diagnostics.filter((d) => d.ruleId === 'expectation');
    expect(found.map((d) => d.message)).toEqual([
      "spec span[name = \"POST /pokemon/import\"]: attr:tracetest.span.duration <= 500ms: unknown duration (the producer gave no start or end time) on SERVER 'POST /pokemon/import' in pokeshop-api",
    ]);
    expect(code).toBe(1);
  });

  it('no trace to check: the file fails, pointing at its traces selector', async () => {
    const cwd = workspace({ 'import.yaml': SPECS, 'traces.json': JSON.stringify({ resourceSpans: [] }) });
    const { code, stdout } = await runTracelint(['check', '--expect', 'import.yaml', 'traces.json'], { cwd });
    expect(stdout).toContain('4:11  error  test "import a pokemon": no trace has a span that traces: span[name="POST /pokemon/import"] selects, so none of its 2 specs was checked  expectation');
    expect(code).toBe(1);
  });

  it.each([
    ['bad.yaml', 'specs:\n  - selector: span[name == "x"]\n    assertions: [attr:a = 1]\n', 'tracelint: bad.yaml:2:25: selector "span[name == \\"x\\"]": expected an operator (=, !=, <, <=, >, >=, contains, not-contains), found "=="; did you mean "="?\n'],
    ['bad.yaml', 'specs:\n  - selector: span[]\n    assertions: [attr:tracetest.span.typ = "http"]\n', 'tracelint: bad.yaml:3:23: assertion "attr:tracetest.span.typ = \\"http\\"": unknown special attribute "tracetest.span.typ"; did you mean "tracetest.span.type"?\n'],
    ['bad.yaml', 'specs:\n  - selector: span[]\n    assertions: [attr:a contain 1]\n', 'tracelint: bad.yaml:3:25: assertion "attr:a contain 1": expected a comparator (=, !=, <, <=, >, >=, contains, not-contains), found "contain"; did you mean "contains"?\n'],
    ['missing.yaml', undefined, 'tracelint: missing.yaml:1:1: cannot read the spec file: no such file\n'],
  ])('a bad spec file (%s) is a usage error found before any input is read: exit 2, file:line:column', async (name, text, message) => {
    const cwd = workspace(text === undefined ? {} : { [name]: text });
    // The input does not exist either: the spec is checked first, so its error is the one reported.
    const { code, stdout, stderr } = await runTracelint(['check', '--expect', name, 'no-such-traces.json'], { cwd });
    expect(stderr).toBe(message);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('receive --expect checks its spec files before it listens', async () => {
    const cwd = workspace({ 'bad.yaml': 'specs:\n  - selector: span[name = "x"]:frist\n    assertions: [attr:a = 1]\n' });
    const { code, stderr } = await runTracelint(['receive', '--port', '0', '--expect', 'bad.yaml'], { cwd });
    expect(stderr).toBe('tracelint: bad.yaml:2:31: selector "span[name = \\"x\\"]:frist": expected a pseudo-class (:first, :last, :nth_child(n)), found ":frist"; did you mean ":first"?\n');
    expect(code).toBe(2);
  });
});

describe('tracelint expect', () => {
  it('checks spec files without traces', async () => {
    const cwd = workspace({ 'import.yaml': SPECS, 'bad.yaml': 'specs: []\n' });
    const ok = await runTracelint(['expect', 'import.yaml'], { cwd });
    expect(ok.stdout).toBe('import.yaml: 2 specs, 3 assertions, valid\n');
    expect(ok.code).toBe(0);
    const bad = await runTracelint(['expect', 'import.yaml', 'bad.yaml'], { cwd });
    expect(bad.stderr).toBe('tracelint: bad.yaml:1:8: expected specs: a list of {selector, assertions}, with at least one\n');
    expect(bad.code).toBe(2);
  });

  it('--init writes a starting spec file that passes on its own traces and fails when the system breaks', async () => {
    const cwd = workspace({ 'traces.json': healthy, 'broken.json': brokenPokeapi });
    const init = await runTracelint(['expect', '--init', 'traces.json'], { cwd });
    expect(init.code).toBe(0);
    expect(init.stderr).toMatch(/^tracelint: wrote tracelint.expect.yaml with 8 specs from trace [0-9a-f]{32} \(6 spans, 2 services\)\ntracelint: check with: tracelint check --expect tracelint.expect.yaml traces.json\n$/);
    expect(readdirSync(cwd).sort()).toEqual(['broken.json', 'tracelint.expect.yaml', 'traces.json']);
    const written = readFileSync(path.join(cwd, 'tracelint.expect.yaml'), 'utf8');
    expect(written).toContain('  traces: span[service.name="pokeshop-api" name="POST /pokemon/import"]\n');
    expect(written).toContain('    - name: "pokeshop-worker: import pokemon from pokeapi"\n      selector: span[service.name="pokeshop-worker" name="import pokemon from pokeapi"]\n      assertions:\n        - attr:http.status_code = 200\n        - attr:tracetest.span.status_code != "STATUS_CODE_ERROR"\n');
    const passes = await runTracelint(['check', '--expect', 'tracelint.expect.yaml', 'traces.json'], { cwd });
    expect(passes.stdout).toContain('expectations: 8 passed\n');
    expect(passes.code).toBe(0);
    const fails = await runTracelint(['check', '--expect', 'tracelint.expect.yaml', 'broken.json'], { cwd });
    expect(fails.stdout).toContain('expectations: 7 passed, 1 failed\n');
    expect(fails.stdout).toContain('spec "pokeshop-worker: import pokemon from pokeapi"');
    expect(fails.code).toBe(1);
  });

  it('--init refuses to overwrite unless --force, and prints to stdout with --output -', async () => {
    const cwd = workspace({ 'traces.json': healthy, 'tracelint.expect.yaml': 'mine\n' });
    const refused = await runTracelint(['expect', '--init', 'traces.json'], { cwd });
    expect(refused.stderr).toBe('tracelint: tracelint.expect.yaml already exists; use --force to overwrite it, or --output <file>\n');
    expect(refused.code).toBe(2);
    expect(readFileSync(path.join(cwd, 'tracelint.expect.yaml'), 'utf8')).toBe('mine\n');
    const printed = await runTracelint(['expect', '--init', 'traces.json', '--output', '-'], { cwd });
    expect(printed.stdout).toMatch(/^# Written by `tracelint expect --init traces.json` from trace [0-9a-f]{32} \(6 spans, 2 services\)\.\n/);
    expect(printed.code).toBe(0);
    const forced = await runTracelint(['expect', '--init', 'traces.json', '--force'], { cwd });
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'tracelint.expect.yaml'), 'utf8')).toBe(printed.stdout);
    expect(readdirSync(cwd).sort()).toEqual(['tracelint.expect.yaml', 'traces.json']);
  });

  it('--init --trace picks the trace; an unknown one is a usage error', async () => {
    const cwd = workspace({ 'traces.json': brokenPropagation });
    const traceIds = [...new Set((JSON.parse(brokenPropagation).resourceSpans as any[]).flatMap((rs) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.traceId as string))))];
    expect(traceIds).toHaveLength(2);
    const worker = traceIds[1]!;
    const picked = await runTracelint(['expect', '--init', 'traces.json', '--trace', worker, '--output', '-'], { cwd });
    expect(picked.stdout).toContain(`from trace ${worker} (4 spans, 1 service)`);
    expect(picked.stderr).toContain('1 other trace in the input, --trace <id> picks one');
    const unknown = await runTracelint(['expect', '--init', 'traces.json', '--trace', 'abc', '--output', '-'], { cwd });
    expect(unknown.stderr).toBe('tracelint: --trace abc: no such trace in traces.json\n');
    expect(unknown.code).toBe(2);
  });
});
