import { describe, expect, it } from 'vitest';
import { parseSelector, SelectorSyntaxError } from '../../src/expect/selector.js';
import { selectSpans } from '../../src/expect/select.js';
import { TraceSet } from '../../src/model/trace.js';
import { shopTrace } from '../support/shop-trace.js';
import { sid, span } from '../support/spans.js';
import { thrown } from '../support/thrown.js';

const shop = await shopTrace();
const letters = (selector: string): string => selectSpans(shop.trace, selector).map((span) => shop.letters.get(span.spanId)).join(' ');

/**
 * Every selector of Tracetest's selector documentation (docs/docs/concepts/
 * selectors.mdx), verbatim, on the trace its diagrams show: the spans each
 * selects are the ones the docs colour as selected.
 */
describe('the selectors of Tracetest\'s documentation select what the docs show', () => {
  it.each([
    ['Empty Selector', '', 'A B C D E F G H I J K'],
    ['Filter by Attributes', 'span[tracetest.span.type="http"]', 'A B D F G I'],
    ['AND Condition', 'span[tracetest.span.type="http" service.name="cart-api"]', 'A F'],
    // The docs' OR example names services api-product, api-auth, …, which the trace calls product-api,
    // auth-api, …: as printed it selects nothing (its picture shows the intent, checked with the names fixed).
    ['OR Condition, as printed', 'span[service.name="api-product"], span[service.name="api-auth"], span[service.name="api-notification"], span[service.name="api-cart"]', ''],
    ['OR Condition, names fixed', 'span[service.name="product-api"], span[service.name="auth-api"], span[service.name="notification-api"], span[service.name="cart-api"]', 'A B C D E F G H I J'],
    ['Contains Operator', 'span[service.name contains "api"]', 'A B C D E F G H I J'],
    [':first', 'span[tracetest.span.type="http"]:first', 'A'],
    [':last', 'span[tracetest.span.type="http"]:last', 'I'],
    [':nth_child', 'span[tracetest.span.type="http"]:nth_child(3)', 'D'],
    ['Parent-child, the ambiguous selector', 'span[service.name="auth-api" tracetest.span.type="http"]', 'D G'],
    ['Parent-child Relation Filtering', 'span[service.name="cart-api", name="purchase products"] span[service.name="auth-api" tracetest.span.type="http"]', 'G'],
  ])('%s: %s', (_name, selector, expected) => {
    expect(letters(selector)).toBe(expected);
  });
});

/**
 * A hand-made trace for the rest of the language: two roots (an orphan among
 * them), resource attributes, typed attributes, kinds and durations.
 *
 *   r1 frontend GET /cart (SERVER, 0-100)
 *     c1 frontend POST /checkout (CLIENT, 10-60, status 200)
 *       s1 checkout POST /checkout (SERVER, 12-58)
 *         d1 checkout SELECT carts (CLIENT db, 20-21)
 *         d2 checkout SELECT carts (CLIENT db, 30-45)
 *     c2 frontend GET /recommendations (CLIENT, 70-90, status 503)
 *   o1 worker process (CONSUMER, orphan, 50-55)
 */
const T = (() => {
  const frontend = { service: 'frontend' };
  const spans = [
    span({ spanId: sid('d2'), parentSpanId: sid('s1'), service: 'checkout', name: 'SELECT carts', kind: 'CLIENT', at: [30, 45], attributes: { 'db.system.name': 'postgresql', 'db.rows': 12 } }),
    span({ spanId: sid('r1'), ...frontend, name: 'GET /cart', kind: 'SERVER', at: [0, 100], attributes: { 'http.request.method': 'GET', 'feature.beta': true } }),
    span({ spanId: sid('c1'), parentSpanId: sid('r1'), ...frontend, name: 'POST /checkout', kind: 'CLIENT', at: [10, 60], attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200, 'retry.ratio': 0.5 } }),
    span({ spanId: sid('s1'), parentSpanId: sid('c1'), service: 'checkout', name: 'POST /checkout', kind: 'SERVER', at: [12, 58], attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200 } }),
    span({ spanId: sid('o1'), parentSpanId: sid('gone'), service: 'worker', name: 'process', kind: 'CONSUMER', at: [50, 55], attributes: { 'messaging.system': 'kafka' } }),
    span({ spanId: sid('d1'), parentSpanId: sid('s1'), service: 'checkout', name: 'SELECT carts', kind: 'CLIENT', at: [20, 21], attributes: { 'db.system.name': 'postgresql', 'db.rows': 1 } }),
    span({ spanId: sid('c2'), parentSpanId: sid('r1'), ...frontend, name: 'GET /recommendations', kind: 'CLIENT', at: [70, 90], attributes: { 'http.request.method': 'GET', 'http.response.status_code': 503 } }),
  ];
  return [...new TraceSet(spans).traces.values()][0]!;
})();
const ids = (selector: string): string => selectSpans(T, selector).map((s) => s.spanId.replace(/^0+/, '')).join(' ');

describe('selector language on a hand-made trace', () => {
  it.each([
    // trace order: depth first, children and tops by start time (the orphan's subtree comes at its time)
    ['', 'r1 c1 s1 d1 d2 c2 o1'],
    ['span[]', 'r1 c1 s1 d1 d2 c2 o1'],
    // operators
    ['span[http.response.status_code = 200]', 'c1 s1'],
    ['span[http.response.status_code="200"]', 'c1 s1'],
    ['span[http.response.status_code != 200]', 'r1 d1 d2 c2 o1'],
    ['span[http.response.status_code >= 500]', 'c2'],
    ['span[http.response.status_code < 300]', 'c1 s1'],
    ['span[db.rows > 1]', 'd2'],
    ['span[db.rows <= 1]', 'd1'],
    ['span[name contains "checkout"]', 'c1 s1'],
    ['span[name not-contains "/"]', 'd1 d2 o1'],
    ["span[name = 'GET /cart']", 'r1'],
    ['span[feature.beta = true]', 'r1'],
    ['span[retry.ratio = 0.50]', 'c1'],
    // the span's own name and kind; resource and special attributes
    ['span[kind = "client"]', 'c1 d1 d2 c2'],
    ['span[kind="consumer"]', 'o1'],
    ['span[service.name = "checkout"]', 's1 d1 d2'],
    ['span[tracetest.span.type = "database"]', 'd1 d2'],
    ['span[tracetest.span.type = "messaging"]', 'o1'],
    ['span[tracetest.span.duration > 10ms]', 'r1 c1 s1 d2 c2'],
    ['span[tracetest.span.duration < 2ms]', 'd1'],
    ['span[tracetest.span.duration >= 1s]', ''],
    // several conditions: all must hold (space or comma between them)
    ['span[service.name="frontend" kind="client"]', 'c1 c2'],
    ['span[service.name="frontend", kind="client", http.response.status_code=503]', 'c2'],
    // alternatives: each span once, in trace order
    ['span[name="GET /recommendations"], span[service.name="frontend"]', 'r1 c1 c2'],
    ['span[kind="consumer"], span[kind="server"]', 'r1 s1 o1'],
    // descendant combinator: below, never the ancestor itself
    ['span[service.name="frontend"] span[]', 'c1 s1 d1 d2 c2'],
    ['span[name="GET /cart"] span[tracetest.span.type="database"]', 'd1 d2'],
    ['span[service.name="checkout"] span[service.name="checkout"]', 'd1 d2'],
    ['span[name="GET /cart"] span[kind="client"] span[kind="client"]', 'd1 d2'],
    ['span[kind="consumer"] span[]', ''],
    // pseudo-classes on the spans their compound selected, in trace order
    ['span[tracetest.span.type="database"]:first', 'd1'],
    ['span[tracetest.span.type="database"]:last', 'd2'],
    ['span[kind="client"]:nth_child(2)', 'd1'],
    ['span[kind="client"]:nth_child(9)', ''],
    ['span[kind="client"]:first span[]', 's1 d1 d2'],
    ['span[service.name="frontend"] span[kind="client"]:last', 'c2'],
  ])('%j selects %j', (selector, expected) => {
    expect(ids(selector)).toBe(expected);
  });
});

describe('a span with an unknown time', () => {
  it('is selected by what does not read its times, and never by a condition on its duration', () => {
    const spans = [span({ spanId: sid('a'), name: 'GET /stream', at: [0, 10] }), span({ spanId: sid('b'), parentSpanId: sid('a'), name: 'chunk', endTimeUnixNano: undefined })];
    const trace = [...new TraceSet(spans).traces.values()][0]!;
    const names = (selector: string): string[] => selectSpans(trace, selector).map((s) => s.name);
    expect(names('')).toEqual(['GET /stream', 'chunk']);
    expect(names('span[tracetest.span.duration >= 0ns]')).toEqual(['GET /stream']);
    expect(names('span[tracetest.span.duration < 1h]')).toEqual(['GET /stream']);
    expect(names('span[name = "chunk"]')).toEqual(['chunk']);
  });
});

describe('selectors that do not parse: where, and what was expected', () => {
  it.each([
    ['span', 4, 'expected "[" after span (span[] selects every span, as does an empty selector) at the end'],
    ['div[name="x"]', 0, 'expected span[...] at "div[name="x"'],
    ['span[name="x"', 13, 'expected "]" to close span[ at the end'],
    ['span[name == "x"]', 10, 'expected an operator (=, !=, <, <=, >, >=, contains, not-contains), found "=="; did you mean "="?'],
    ['span[name ~= "x"]', 10, 'found "~="'],
    ['span[name contain "x"]', 10, 'found "contain"; did you mean "contains"?'],
    ['span[name startsWith "x"]', 10, 'found "startsWith"'],
    ['span[name = x]', 12, 'expected a value: a "string", a number, a duration such as 200ms, true or false at "x]"'],
    ['span[name = "x]', 12, 'unterminated string: expected a closing "'],
    ['span[tracetest.span.kind = "server"]', 5, 'unknown special attribute "tracetest.span.kind"; did you mean "tracetest.span.name"?'],
    ['span[= "x"]', 5, 'expected an attribute name, such as service.name'],
    ['span[a=1]:firts', 9, 'found ":firts"; did you mean ":first"?'],
    ['span[a=1]:nth_child(0)', 19, 'expected (n) after :nth_child, n a position counted from 1'],
    ['span[a=1]span[b=2]', 9, 'expected a space before the next span[...]'],
    ['span[a=1],', 10, 'expected span[...] at the end'],
  ])('%j: at %i, %s', (text, offset, message) => {
    const error = thrown(() => parseSelector(text));
    expect(error).toBeInstanceOf(SelectorSyntaxError);
    expect((error as SelectorSyntaxError).message).toContain(message);
    expect((error as SelectorSyntaxError).offset).toBe(offset);
  });
});
