import { describe, expect, it } from 'vitest';
import { evaluateSpecs, lint, parseSpecText, selectSpans, TraceSet } from '../../src/index.js';
import { decodeSdk } from '../support/sdk.js';
import { pokeshopImport } from '../support/pokeshop.js';

describe('the library: selectSpans, spec files and lint together', () => {
  it('selectSpans reads a selector given as text, in trace order', async () => {
    const { traces } = await pokeshopImport({ names: 'cli-docs' });
    const trace = [...traces.traces.values()][0]!;
    expect(selectSpans(trace, 'span[tracetest.span.type="database"]').map((span) => span.name)).toEqual(['find pokemon', 'save pokemon on database']);
    expect(selectSpans(trace, 'span[service.name="pokeshop-api"] span[]').map((span) => span.name)).toEqual(['send message to queue', 'consume message from queue', 'find pokemon', 'import pokemon from pokeapi', 'save pokemon on database']);
  });

  it('evaluated specs handed to lint come back as expectation findings located in the spec file', async () => {
    const { text } = await pokeshopImport({ names: 'cli-docs', broken: 'pokeapi' });
    const traces = new TraceSet(decodeSdk(text));
    const specs = [parseSpecText('specs:\n  - selector: span[tracetest.span.type="http"]\n    assertions: [attr:http.status_code < 400]\n', 'http.yaml')];
    const result = lint(traces, undefined, undefined, { expectations: evaluateSpecs(specs, traces) });
    const found = result.diagnostics.filter((d) => d.ruleId === 'expectation');
    expect(found.map((d) => [d.severity, d.location, d.data.found])).toEqual([['error', { file: 'http.yaml', format: 'spec', line: 3, column: 18 }, ['500']]]);
  });
});
