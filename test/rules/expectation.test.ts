import { expect } from 'vitest';
import { evaluateSpecs } from '../../src/expect/evaluate.js';
import { parseSpecText } from '../../src/expect/load.js';
import type { TraceSet } from '../../src/model/trace.js';
import { expectation } from '../../src/rules/expectation.js';
import { ruleTable } from '../support/rule-tester.js';
import { sid, span, tid } from '../support/spans.js';

/** The rule's context for a case: this spec file checked against the case's traces. */
const specs = (yaml: string) => (traces: TraceSet) => ({ expectations: evaluateSpecs([parseSpecText(yaml, 'checkout.yaml')], traces) });

const checkout = (status: number, over: Parameters<typeof span>[0] = {}) =>
  span({ spanId: sid('a'), kind: 'SERVER', service: 'checkout', name: 'POST /checkout', attributes: { 'http.request.method': 'POST', 'http.response.status_code': status }, at: [0, 120], ...over });
const payment = (status: number, over: Parameters<typeof span>[0] = {}) =>
  span({ spanId: sid('b'), parentSpanId: sid('a'), kind: 'SERVER', service: 'payment', name: 'POST /pay', attributes: { 'http.request.method': 'POST', 'http.response.status_code': status }, at: [10, 90], ...over });

const HTTP_OK = `
specs:
  - name: every HTTP call succeeds
    selector: span[tracetest.span.type="http"]
    assertions:
      - attr:http.response.status_code = 200
`;

ruleTable(expectation, {
  valid: [
    { name: 'no spec files given: nothing to report', spans: [checkout(500)] },
    { name: 'the assertion holds on every selected span', spans: [checkout(200), payment(200)], context: specs(HTTP_OK) },
    {
      name: 'a selector that matches nothing passes when only the count is asserted',
      spans: [checkout(200)],
      context: specs('specs:\n  - selector: span[service.name="fraud"]\n    assertions: [attr:tracetest.selected_spans.count = 0]\n'),
    },
    {
      name: 'a traces selector keeps other requests out',
      spans: [checkout(200), span({ traceId: tid('2'), service: 'admin', name: 'GET /health' })],
      context: specs('traces: span[name="POST /checkout"]\nspecs:\n  - selector: span[service.name="payment"]\n    assertions: [attr:tracetest.selected_spans.count = 0]\n'),
    },
  ],
  invalid: [
    {
      name: 'a value found in the trace is shown masked as the pii rule masks it',
      spans: [checkout(200, { attributes: { 'enduser.email': 'jane.doe@acmecorp.eu' } })],
      context: specs('specs:\n  - selector: span[service.name="checkout"]\n    assertions: [attr:enduser.email = "anonymous"]\n'),
      findings: [{ message: /found "?j\*\*\*@a\*\*\*\.eu/, data: { found: [expect.stringMatching(/^"?j\*\*\*@a\*\*\*\.eu"?$/)] } }],
    },
    {
      name: 'one of two spans returns 500',
      spans: [checkout(200), payment(500)],
      context: specs(HTTP_OK),
      findings: [
        {
          spanId: sid('b'),
          at: '6:9',
          message: `spec "every HTTP call succeeds" span[tracetest.span.type="http"]: attr:http.response.status_code = 200: failed on 1 of 2 spans: found 500 on SERVER 'POST /pay' in payment`,
          data: { selector: 'span[tracetest.span.type="http"]', selected: 2, found: ['500'], spans: [sid('b')], case: 'checkout.yaml#0' },
        },
      ],
    },
    {
      name: 'the service is not reached: no span matched, and the count says 0',
      spans: [checkout(200)],
      context: specs('specs:\n  - name: reaches payment\n    selector: span[service.name="payment"]\n    assertions:\n      - attr:tracetest.selected_spans.count >= 1\n      - attr:http.response.status_code = 200\n'),
      findings: [
        { at: '5:9', message: 'spec "reaches payment" span[service.name="payment"]: attr:tracetest.selected_spans.count >= 1: found 0', data: { found: ['0'], spans: [] } },
        { at: '6:9', message: 'spec "reaches payment" span[service.name="payment"]: attr:http.response.status_code = 200: no span matched' },
      ],
    },
    {
      name: 'a missing attribute is a failure, not a match',
      spans: [checkout(200)],
      context: specs('specs:\n  - selector: span[name="POST /checkout"]\n    assertions: [attr:db.system.name = "postgresql"]\n'),
      findings: [{ spanId: sid('a'), message: "spec span[name=\"POST /checkout\"]: attr:db.system.name = \"postgresql\": no attribute db.system.name on SERVER 'POST /checkout' in checkout" }],
    },
    {
      name: 'slow: the duration found is shown in time',
      spans: [checkout(200)],
      context: specs('specs:\n  - selector: span[name="POST /checkout"]\n    assertions: [attr:tracetest.span.duration < 100ms]\n'),
      findings: [{ spanId: sid('a'), message: "attr:tracetest.span.duration < 100ms: found 120ms on SERVER 'POST /checkout' in checkout" }],
    },
    {
      name: 'a span without an end time: its duration is unknown, not 0, so a limit on it fails',
      spans: [checkout(200, { endTimeUnixNano: undefined })],
      context: specs('specs:\n  - selector: span[name="POST /checkout"]\n    assertions: [attr:tracetest.span.duration < 100ms]\n'),
      findings: [{ spanId: sid('a'), message: "attr:tracetest.span.duration < 100ms: unknown duration (the producer gave no start or end time) on SERVER 'POST /checkout' in checkout", data: { found: ['unknown duration (the producer gave no start or end time)'] } }],
    },
    {
      name: 'a traces selector that matches no trace fails the file',
      spans: [checkout(200)],
      context: specs('traces: span[name="POST /orders"]\nspecs:\n  - selector: span[service.name="payment"]\n    assertions: [attr:tracetest.selected_spans.count = 1]\n'),
      findings: [{ at: '1:9', message: 'no trace has a span that traces: span[name="POST /orders"] selects, so none of its 1 spec was checked', data: { case: 'checkout.yaml#traces' } }],
    },
    {
      name: 'checked trace by trace: only the failing trace is named',
      spans: [checkout(200), payment(200), checkout(200, { traceId: tid('2') }), payment(503, { traceId: tid('2') })],
      context: specs(HTTP_OK),
      findings: [{ spanId: sid('b'), message: 'found 503 on', data: { found: ['503'] } }],
    },
  ],
});
