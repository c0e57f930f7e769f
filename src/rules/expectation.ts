import type { AssertionFailure, FileResult, SpecResult } from '../expect/evaluate.js';
import { specKey } from '../expect/evaluate.js';
import { defineRule } from '../lint/types.js';
import { clip, spanLabel } from './support/describe.js';
import { maskPii } from './support/pii-mask.js';

/** At most this many failing spans are named in one message; data.spans lists them all. */
const SHOWN = 3;

export const expectation = defineRule({
  id: 'expectation',
  category: 'expectations',
  defaultSeverity: 'error',
  summary: 'An assertion of a spec file (check --expect, Tracetest test specs) does not hold on the traces',
  docs: {
    why: 'Spec files say what your system must do in a request: "checkout reaches payment in the same trace", "every database span has db.system.name", "no span of this request takes more than 200 ms". They use Tracetest\'s test specs (a selector picks spans, assertions must hold on each). When one fails, the behaviour the test was written for is gone: a service is no longer reached (often because propagation broke on the way), an operation returns an error status, or it became slow. A spec whose selector matches no span fails (unless it only asserts tracetest.selected_spans.count), and so does a file whose traces selector matches no trace: the test did not see the request it was written for.',
    fix: 'Read the finding\'s spec (file, line and column), the span it names and the value found. If the system changed on purpose, change the spec; if not, fix the service: a missing downstream service is usually a broken propagation hop (run tracelint check on the same traces: orphan-span and lost-propagation name it). Give specs names, so CI test views say what failed.',
    references: ['https://docs.tracetest.io/cli/creating-test-specifications', 'https://docs.tracetest.io/concepts/selectors'],
  },
  options: {},
  scope: 'set',
  check({ expectations, report }) {
    for (const file of expectations?.files ?? []) {
      if (file.traces.length === 0) reportNoTrace(file, report);
      for (const result of file.cases) for (const failure of result.failures) reportFailure(result, failure, report);
    }
  },
});

type Report = Parameters<(typeof expectation)['check']>[0]['report'];

function reportNoTrace(result: FileResult, report: Report): void {
  const { file } = result;
  const at = file.traces?.at ?? file.at;
  const message = file.traces
    ? `${file.name ? `test "${clip(file.name)}": ` : ''}no trace has a span that traces: ${clip(file.traces.selector.text)} selects, so none of its ${file.specs.length} spec${file.specs.length === 1 ? '' : 's'} was checked`
    : `${file.name ? `test "${clip(file.name)}": ` : ''}there is no trace to check its ${file.specs.length} spec${file.specs.length === 1 ? '' : 's'} against`;
  report({
    message,
    location: { file: file.file, format: 'spec', line: at.line, column: at.column },
    key: `${file.file}#traces`,
    data: { specFile: file.file, traces: file.traces?.selector.text ?? null, case: `${file.file}#traces` },
  });
}

function reportFailure(result: SpecResult, failure: AssertionFailure, report: Report): void {
  const { file, spec } = result;
  const spans = failure.checks.flatMap((check) => (check.span ? [check.span] : []));
  const found = failure.checks.map((check) => (check.found !== undefined ? maskPii(check.found) : (check.problem ?? '')));
  report({
    ...(spans[0] ? { span: spans[0] } : result.trace ? { trace: result.trace } : {}),
    message: `${spec.name ? `spec "${clip(spec.name)}"` : 'spec'} ${clip(spec.selector.text || '(every span)', 160)}: ${clip(failure.assertion.assertion.text)}: ${detail(failure)}`,
    location: { file: file.file, format: 'spec', line: failure.assertion.at.line, column: failure.assertion.at.column },
    key: `${specKey(file, spec)}#${failure.assertion.index}`,
    data: {
      specFile: file.file,
      spec: spec.name ?? null,
      selector: spec.selector.text,
      assertion: failure.assertion.assertion.text,
      selected: result.selected.length,
      found,
      spans: spans.map((span) => span.spanId),
      case: specKey(file, spec),
      // The location is the spec file's: reporters show the trace id as its input's tools do from this.
      inputFormat: (spans[0] ?? result.trace?.spans[0])?.source.format ?? null,
    },
  });
}

/** What was found: the value, or why there was none; for several spans, how many failed and the first few. */
function detail(failure: AssertionFailure): string {
  // A value found in the trace is shown as the pii rule would mask it: reports hold no more of a secret than findings do.
  const say = (check: AssertionFailure['checks'][number]): string => (check.found !== undefined ? `found ${maskPii(check.found)}` : check.problem!);
  const [first] = failure.checks;
  if (failure.checks.length === 1 && !first!.span) return say(first!);
  const shown = failure.checks.slice(0, SHOWN).map((check) => `${say(check)} on ${spanLabel(check.span!)}`);
  const more = failure.checks.length - shown.length;
  const list = `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  return failure.checked === 1 ? list : `failed on ${failure.checks.length} of ${failure.checked} spans: ${list}`;
}
