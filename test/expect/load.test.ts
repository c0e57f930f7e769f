import { describe, expect, it } from 'vitest';
import { parseSpecText, SpecError } from '../../src/expect/load.js';
import { thrown } from '../support/thrown.js';

/** The SpecError's message for a spec file's text. */
function error(text: string): string {
  const caught = thrown(() => parseSpecText(text, 'specs.yaml', { variables: {} }));
  if (caught instanceof SpecError) return caught.message;
  throw caught ?? new Error('parsed without error');
}

describe('spec files: the shapes accepted', () => {
  it('a Tracetest test, a bare specs file and JSON give the same specs', () => {
    const tracetest = parseSpecText('type: Test\nspec:\n  id: abc\n  name: checkout\n  trigger: {type: http}\n  specs:\n    - selector: span[name="a"]\n      assertions: [attr:x = 1]\n  outputs: []\n', 'a.yaml');
    const bare = parseSpecText('name: checkout\nspecs:\n  - selector: span[name="a"]\n    assertions: [attr:x = 1]\n', 'b.yaml');
    const json = parseSpecText('{"name": "checkout", "specs": [{"selector": "span[name=\\"a\\"]", "assertions": ["attr:x = 1"]}]}', 'c.json');
    for (const file of [tracetest, bare, json]) {
      expect(file.name).toBe('checkout');
      expect(file.specs.map((spec) => [spec.selector.text, spec.assertions.map((a) => a.assertion.text)])).toEqual([['span[name="a"]', ['attr:x = 1']]]);
    }
  });

  it('the older selector: {query: ...} form, an empty selector, and a traces selector', () => {
    const file = parseSpecText('traces: span[name="POST /checkout"]\nspecs:\n  - selector:\n      query: span[name="a"]\n    assertions: [attr:x = 1]\n  - selector: ""\n    assertions: [attr:tracetest.span.duration < 1s]\n', 'a.yaml');
    expect(file.traces?.selector.text).toBe('span[name="POST /checkout"]');
    expect(file.traces?.at).toEqual({ line: 1, column: 9 });
    expect(file.specs.map((spec) => spec.selector.paths.length)).toEqual([1, 0]);
  });

  it('specs about the trigger are kept, marked as not checkable', () => {
    const file = parseSpecText('specs:\n  - selector: span[tracetest.span.type="general" name="Tracetest trigger"]\n    assertions: [attr:tracetest.response.status = 200]\n  - selector: span[name="a"]\n    assertions: [attr:tracetest.response.body contains "x"]\n  - selector: span[name="a"]\n    assertions: [attr:x = 1]\n', 'a.yaml');
    expect(file.specs.map((spec) => spec.skip)).toEqual([
      'it selects the "Tracetest trigger" span, which exists only when Tracetest sends the request',
      "tracetest.response.body is the response to Tracetest's trigger, which tracelint does not send",
      undefined,
    ]);
  });
});

/** Every mistake names the file, line and column and what was expected. */
describe('spec files that cannot be used', () => {
  it.each([
    ['specs:\n  - selector: [\n', 'specs.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a: 1\na: 2\n', 'specs.yaml:2:1: invalid YAML: Map keys must be unique'],
    ['- selector: span[name="a"]\n', 'specs.yaml:1:1: expected a Tracetest test (type: Test, spec: {specs: [...]}) or a mapping with specs: [...]'],
    ['spces:\n  - selector: span[]\n', 'specs.yaml:1:1: unknown key "spces"; did you mean "specs"? (a bare spec file has specs, traces and name; a Tracetest test has type: Test and spec)'],
    ['type: TestSuite\nspec: {}\n', 'specs.yaml:1:7: expected type: Test, found "TestSuite" (a TestSuite lists tests; give tracelint the test files themselves)'],
    ['type: Test\ntraces: span[name="a"]\nspec:\n  specs: []\n', 'specs.yaml:2:1: unknown key "traces" beside type and spec; in a Tracetest test, traces goes inside spec:'],
    ['type: Test\nspec:\n  name: x\n  spcs: []\n', 'specs.yaml:4:3: unknown key "spcs"; did you mean "specs"?'],
    ['type: Test\nspec:\n  name: x\n', 'specs.yaml:3:3: expected specs: a list of {selector, assertions}, with at least one'],
    ['specs: []\n', 'specs.yaml:1:8: expected specs: a list of {selector, assertions}, with at least one'],
    ['specs:\n  - selector: span[name="a"]\n', 'specs.yaml:2:5: expected assertions: a list of assertions such as attr:http.status_code = 200, with at least one'],
    ['specs:\n  - assertions: [attr:x = 1]\n', 'specs.yaml:2:5: expected selector: a selector such as span[tracetest.span.type="http"] ("" for every span)'],
    ['specs:\n  - selector: span[]\n    asserts: [attr:x = 1]\n', 'specs.yaml:3:5: unknown key "asserts" in a spec; did you mean "assertions"? (a spec has selector, name and assertions)'],
    ['specs:\n  - selector: span[]\n    assertions: [{a: 1}]\n', 'specs.yaml:3:18: expected an assertion as text, such as attr:http.status_code = 200'],
    // positions inside selectors and assertions, whatever the YAML quoting
    ['specs:\n  - selector: span[name == "a"]\n    assertions: [attr:x = 1]\n', 'specs.yaml:2:25: selector "span[name == \\"a\\"]": expected an operator (=, !=, <, <=, >, >=, contains, not-contains), found "=="; did you mean "="?'],
    ["specs:\n  - selector: 'span[name = \"a\"]:frist'\n    assertions: [attr:x = 1]\n", 'specs.yaml:2:32: selector "span[name = \\"a\\"]:frist": expected a pseudo-class (:first, :last, :nth_child(n)), found ":frist"; did you mean ":first"?'],
    ['specs:\n  - selector: "span[name = \\"a\\" tracetest.span.tipe = \\"http\\"]"\n    assertions: [attr:x = 1]\n', 'specs.yaml:2:34: selector "span[name = \\"a\\" tracetest.span.tipe = \\"http\\"]": unknown special attribute "tracetest.span.tipe"; did you mean "tracetest.span.type"?'],
    ['specs:\n  - selector: |-\n      span[name = "a"]\n      span[kind ~ "x"]\n    assertions: [attr:x = 1]\n', 'specs.yaml:4:17: selector "span[name = \\"a\\"]\\nspan[kind ~ \\"x\\"]": expected an operator (=, !=, <, <=, >, >=, contains, not-contains), found "~"; did you mean "="?'],
    ['specs:\n  - selector: span[name = "consume message\n      from queue"]:lst\n    assertions: [attr:x = 1]\n', 'specs.yaml:3:19: selector "span[name = \\"consume message from queue\\"]:lst": expected a pseudo-class (:first, :last, :nth_child(n)), found ":lst"; did you mean ":last"?'],
    ['specs:\n  - selector: span[]\n    assertions:\n      - attr:http.status_code == 200\n', 'specs.yaml:4:31: assertion "attr:http.status_code == 200": expected a comparator (=, !=, <, <=, >, >=, contains, not-contains), found "=="; did you mean "="?'],
    ['specs:\n  - selector: span[]\n    assertions:\n      - "attr:tracetest.span.durration < 1s"\n', 'specs.yaml:4:15: assertion "attr:tracetest.span.durration < 1s": unknown special attribute "tracetest.span.durration"; did you mean "tracetest.span.duration"?'],
    ['specs:\n  - selector: span[]\n    assertions:\n      - attr:x = var:MISSING\n', 'specs.yaml:4:18: assertion "attr:x = var:MISSING": var:MISSING is not set: tracelint reads var: and env: names from its environment (export MISSING=...)'],
    ['traces: span[name]\nspecs:\n  - selector: span[]\n    assertions: [attr:x = 1]\n', 'specs.yaml:1:18: selector "span[name]": expected an operator (=, !=, <, <=, >, >=, contains, not-contains) at "]"'],
  ])('%j', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it('a variable that is set is used', () => {
    const file = parseSpecText('specs:\n  - selector: span[]\n    assertions: [attr:x = var:ID]\n', 'a.yaml', { variables: { ID: '52' } });
    expect(file.specs[0]!.assertions[0]!.assertion.right.first).toEqual({ kind: 'literal', text: '52' });
  });
});
