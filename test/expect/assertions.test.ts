import { describe, expect, it } from 'vitest';
import { AssertionSyntaxError, parseAssertion } from '../../src/expect/assertion.js';
import { checkAssertion } from '../../src/expect/check-assertion.js';
import { EvalFailure } from '../../src/expect/values.js';
import type { Span } from '../../src/model/span.js';
import { MS, span, T0 } from '../support/spans.js';
import { thrown } from '../support/thrown.js';

/** A span with typed attributes of every kind OTLP has, as the decoders give them. */
const typed = span({
  name: 'GET /cart',
  kind: 'SERVER',
  service: 'frontend',
  at: [0, 1.5],
  attributes: {
    'http.response.status_code': 200,
    'http.status_text': '200',
    'retry.ratio': 0.25,
    'cache.hit': true,
    'big.count': 9007199254740993n,
    'tags.list': ['a', 'b'],
    'ids.list': [1, 2, 3],
    'app.input': 4,
    'app.output': 7,
    'app.timeout': '2s',
    'user.name': 'Jorge',
    'http.response.body': '{"id": 52, "name": "meowth", "types": [{"name": "normal"}], "tags": ["cat", "scratch"]}',
    'message.text': 'Hello Marcus, today you have 8 meetings',
    'db.statement': 'SELECT * FROM carts WHERE id = ?',
  },
});

/** Checks an assertion on a span (`null`: no span matched). */
function check(text: string, on: Span | null = typed, selectedCount = 1): { holds: boolean; found: string } {
  return checkAssertion(parseAssertion(text, { variables: { CART_ID: '52', SERVICE: 'frontend' } }), { ...(on ? { span: on } : {}), selectedCount });
}

/**
 * The assertion language on values as Tracetest types them: everything is
 * text, and numbers, durations and JSON are recognised from the text, so an
 * integer attribute equals 200 and "200", and a string attribute "200" is
 * less than 300.
 */
describe('comparators and type coercion', () => {
  it.each([
    // = and != : text, and numbers by value
    ['attr:http.response.status_code = 200', true, '200'],
    ['attr:http.response.status_code = "200"', true, '200'],
    ["attr:http.response.status_code = '200'", true, '200'],
    ['attr:http.response.status_code = 201', false, '200'],
    ['attr:http.response.status_code != 500', true, '200'],
    ['attr:http.response.status_code != 200', false, '200'],
    ['attr:http.status_text = 200', true, '200'],
    ['attr:retry.ratio = 0.25', true, '0.25'],
    ['attr:retry.ratio = 0.250000', true, '0.25'],
    ['attr:cache.hit = "true"', true, 'true'],
    ['attr:cache.hit = true', true, 'true'],
    ['attr:cache.hit = false', false, 'true'],
    ['attr:user.name = "Jorge"', true, '"Jorge"'],
    ['attr:user.name = "jorge"', false, '"Jorge"'],
    ['attr:big.count = 9007199254740993', true, '9007199254740993'],
    ['attr:big.count = 9007199254740992', false, '9007199254740993'],
    // < <= > >= : numbers, exactly, whatever their written type
    ['attr:http.response.status_code >= 200', true, '200'],
    ['attr:http.response.status_code < 300', true, '200'],
    ['attr:http.response.status_code > 200', false, '200'],
    ['attr:http.response.status_code <= 199', false, '200'],
    ['attr:http.status_text < 300', true, '200'],
    ['attr:retry.ratio < 0.3', true, '0.25'],
    ['attr:retry.ratio > 0.25', false, '0.25'],
    ['attr:big.count > 9007199254740992', true, '9007199254740993'],
    ['attr:app.input > -1', true, '4'],
    // contains / not-contains : text in text, item in list, JSON object in JSON
    ['attr:db.statement contains "SELECT"', true, '"SELECT * FROM carts WHERE id = ?"'],
    ['attr:db.statement contains "INSERT"', false, '"SELECT * FROM carts WHERE id = ?"'],
    ['attr:db.statement not-contains "INSERT"', true, '"SELECT * FROM carts WHERE id = ?"'],
    ['attr:http.response.body contains 52', true, undefined],
    ['attr:tags.list contains "b"', true, '["a", "b"]'],
    ['attr:tags.list contains "c"', false, '["a", "b"]'],
    ['attr:tags.list not-contains "c"', true, '["a", "b"]'],
    ['attr:ids.list contains 3', true, '[1, 2, 3]'],
    ['attr:http.response.body contains \'{"name": "meowth"}\'', true, undefined],
    ['attr:http.response.body contains \'{"name": "pikachu"}\'', false, undefined],
    ['attr:http.response.body contains \'{"types": [{"name": "normal"}]}\'', true, undefined],
    // lists
    ['attr:tags.list = ["a", "b"]', true, '["a", "b"]'],
    ['attr:tags.list = \'["a","b"]\'', true, '["a", "b"]'],
    ['["number", "string"] contains attr:user.name | type', true, '["number", "string"]'],
  ])('%s', (text, holds, found) => {
    const result = check(text);
    expect(result.holds).toBe(holds);
    if (found !== undefined) expect(result.found).toBe(found);
  });

  it.each([
    ['attr:user.name < 5', '< compares numbers, and "Jorge" is not one'],
    ['attr:tags.list > 1', '> compares numbers, and ["a", "b"] is not one'],
    ['attr:no.such = 1', 'no attribute no.such'],
    ['attr:user.name < 5ms', '"Jorge" is not a duration'],
    ['attr:user.name + 1 = 2', '+ works on numbers and durations, and "Jorge" is neither'],
  ])('%s cannot be decided: %s', (text, why) => {
    expect(() => check(text)).toThrow(new EvalFailure(why));
  });

  it('an attribute needs a span; the count does not', () => {
    expect(() => check('attr:http.response.status_code = 200', null, 0)).toThrow(new EvalFailure('no span matched'));
    expect(check('attr:tracetest.selected_spans.count = 0', null, 0).holds).toBe(true);
    expect(check('attr:tracetest.selected_spans.count >= 1', null, 3)).toEqual({ holds: true, found: '3' });
  });
});

describe('durations: units and conversions', () => {
  const long = span({ at: [0, 90 * 60_000] });
  it.each([
    // typed span lasts 1.5 ms = 1 500 000 ns
    ['attr:tracetest.span.duration < 2ms', typed, true, '1.50ms'],
    ['attr:tracetest.span.duration = 1.5ms', typed, true, '1.50ms'],
    ['attr:tracetest.span.duration = 1500us', typed, true, '1.50ms'],
    ['attr:tracetest.span.duration = 1500000ns', typed, true, '1.50ms'],
    // no unit on either side: compared as numbers (the duration is kept in ns)
    ['attr:tracetest.span.duration = 1500000', typed, true, '1500000'],
    ['attr:tracetest.span.duration <= 1ms', typed, false, '1.50ms'],
    ['attr:tracetest.span.duration < 1 s', typed, true, '1.50ms'],
    ['attr:tracetest.span.duration < 0.002s', typed, true, '1.50ms'],
    ['attr:tracetest.span.duration > 1h', long, true, '1.50h'],
    ['attr:tracetest.span.duration = 90m', long, true, '1.50h'],
    ['attr:tracetest.span.duration = 1.5h', long, true, '1.50h'],
    ['attr:tracetest.span.duration < 5400s', long, false, '1.50h'],
    // an attribute written as a duration is one
    ['attr:app.timeout = 2000ms', typed, true, '2.00s'],
    ['attr:app.timeout > 1s', typed, true, '2.00s'],
    ['attr:app.timeout contains "2"', typed, true, '2s'],
  ])('%s', (text, on, holds, found) => {
    expect(check(text, on)).toEqual({ holds, found });
  });
});

describe('unknown times are unknown, never 0', () => {
  const noEnd = span({ name: 'GET /stream', kind: 'SERVER', endTimeUnixNano: undefined });
  const noStart = span({ name: 'GET /stream', kind: 'SERVER', startTimeUnixNano: undefined });
  it.each([
    ['attr:tracetest.span.duration < 1s', noEnd, 'unknown duration (the producer gave no start or end time)'],
    ['attr:tracetest.span.duration >= 0ns', noStart, 'unknown duration (the producer gave no start or end time)'],
    ['attr:tracetest.span.duration = 0', noEnd, 'unknown duration (the producer gave no start or end time)'],
    ['attr:tracetest.span.end_time > 0', noEnd, 'unknown end time (the producer did not give it)'],
    ['attr:tracetest.span.start_time > 0', noStart, 'unknown start time (the producer did not give it)'],
  ])('%s fails: %s', (text, on, why) => {
    expect(() => check(text, on)).toThrow(new EvalFailure(why));
  });

  it('what does not read the times still holds', () => {
    expect(check('attr:tracetest.span.name = "GET /stream"', noEnd).holds).toBe(true);
    expect(check('attr:tracetest.span.start_time > 0', noEnd).holds).toBe(true);
  });
});

describe('arithmetic, interpolation and variables', () => {
  it.each([
    ['attr:app.output > attr:app.input', true],
    ['attr:app.output = attr:app.input + 3', true],
    ['attr:app.output - attr:app.input = 3', true],
    ['attr:app.input * 2 = 8', true],
    ['attr:app.output / 2 = 3.5', true],
    ['attr:app.input / 2 = 2', true],
    // left to right, as Tracetest (its docs: 1 + 2 * 3 is 9)
    ['1 + 2 * 3 = 9', true],
    ['attr:tracetest.span.duration + 500us = 2ms', true],
    ['attr:user.name = "${attr:user.name}"', true],
    ['attr:db.statement = "SELECT * FROM carts WHERE id = ${attr:app.input - 4}?"', false],
    ['attr:message.text = "Hello Marcus, today you have ${attr:app.input * 2} meetings"', true],
    ['attr:http.response.body contains var:CART_ID', true],
    ['attr:http.response.body | json_path \'$.id\' = env:CART_ID', true],
    ['"${env:SERVICE}-api" = "frontend-api"', true],
  ])('%s', (text, holds) => {
    expect(check(text).holds).toBe(holds);
  });
});

describe('filters', () => {
  it.each([
    ["attr:http.response.body | json_path '$.id' = 52", true, '52'],
    ["attr:http.response.body | json_path '.id' = 52", true, '52'],
    ["attr:http.response.body | json_path '$.name' = \"meowth\"", true, '"meowth"'],
    ["attr:http.response.body | json_path '$.types[*].name' = 'normal'", true, '"normal"'],
    ["attr:http.response.body | json_path '$.tags[*]' = '[\"cat\", \"scratch\"]'", true, '["cat", "scratch"]'],
    ["attr:http.response.body | json_path '$.types[?(@.name = \"normal\")].name' = \"normal\"", true, '"normal"'],
    ["attr:http.response.body | json_path '$.tags[*]' | length = 2", true, '2'],
    ["attr:http.response.body | json_path '$.tags[*]' | get_index 1 = 'scratch'", true, '"scratch"'],
    ["attr:http.response.body | json_path '$.tags[*]' | get_index 'last' = 'scratch'", true, '"scratch"'],
    ["attr:http.response.body | json_path '$.missing' | type = 'nil'", true, '"nil"'],
    ["'My account balance is $48.52' | regex '\\$\\d+(\\.\\d+)?' = '$48.52'", true, '"$48.52"'],
    ["attr:message.text | regex_group 'Hello (\\w+), today you have (\\d+) meetings' = '[\"Marcus\", 8]'", true, '["Marcus", 8]'],
    ["attr:message.text | regex '(?i)hello' = 'Hello'", true, '"Hello"'],
    ['"my string" | length = 9', true, '9'],
    ['2 | type = "number"', true, '"number"'],
    ['2s | type = "duration"', true, '"duration"'],
    ['"something" | type = "string"', true, '"string"'],
    ['[1, 2s, "this is a string"] | type = "array"', true, '"array"'],
    ['attr:http.response.body | type = "json"', true, '"json"'],
  ])('%s', (text, holds, found) => {
    expect(check(text)).toEqual({ holds, found });
  });

  it.each([
    ["attr:user.name | json_path '$.id' = 1", 'json_path: "Jorge" is not a JSON object or array'],
    ["attr:tags.list | get_index 5 = 1", 'get_index 5: out of bounds for 2 items'],
    ['attr:app.input | length = 1', 'length takes a list or a string, found the number 4'],
  ])('%s cannot be decided: %s', (text, why) => {
    expect(() => check(text)).toThrow(new EvalFailure(why));
  });
});

describe('special attributes', () => {
  const root = span({ spanId: 'aaaaaaaaaaaaaaaa', name: 'checkout', kind: 'SERVER', at: [0, 30], status: { code: 'ERROR', message: 'card declined' }, attributes: { 'http.request.method': 'POST' } });
  const child = span({
    spanId: 'bbbbbbbbbbbbbbbb',
    parentSpanId: 'aaaaaaaaaaaaaaaa',
    name: 'SELECT carts',
    kind: 'CLIENT',
    at: [5, 6],
    attributes: { 'db.system.name': 'postgresql' },
    events: [{ name: 'retry', timeUnixNano: T0 + 5n * MS, attributes: Object.assign(Object.create(null), { attempt: 2 }), droppedAttributesCount: 0 }],
  });
  it.each([
    ['attr:tracetest.span.name = "checkout"', root, true],
    ['attr:name = "checkout"', root, true],
    ['attr:tracetest.span.type = "http"', root, true],
    ['attr:tracetest.span.type = "database"', child, true],
    ['attr:tracetest.span.duration = 30ms', root, true],
    [`attr:tracetest.span.start_time = ${T0}`, root, true],
    [`attr:tracetest.span.end_time = ${T0 + 6n * MS}`, child, true],
    ['attr:tracetest.span.end_time > attr:tracetest.span.start_time', child, true],
    ['attr:tracetest.span.parent_id = "aaaaaaaaaaaaaaaa"', child, true],
    ['attr:tracetest.span.parent_id = "0000000000000000"', root, true],
    ['attr:tracetest.span.status_code = "STATUS_CODE_ERROR"', root, true],
    ['attr:tracetest.span.status_code = "STATUS_CODE_UNSET"', child, true],
    ['attr:tracetest.span.status_description contains "declined"', root, true],
    ["attr:span.events | json_path '$[?(@.name = \"retry\")].attributes.attempt' = 2", child, true],
    ['attr:span.events = "[]"', root, true],
  ])('%s', (text, on, holds) => {
    expect(check(text, on).holds).toBe(holds);
  });

  it.each([
    [{ 'http.request.method': 'GET' }, 'GET /', 'http'],
    [{ 'db.system': 'redis' }, 'GET', 'database'],
    [{ 'messaging.system': 'kafka', 'http.request.method': 'POST' }, 'orders publish', 'messaging'],
    [{ 'rpc.system': 'grpc' }, 'Pay', 'rpc'],
    [{ 'faas.trigger': 'http' }, 'handler', 'faas'],
    [{ 'exception.type': 'Error' }, 'boom', 'exception'],
    [{ 'app.thing': 1 }, 'work', 'general'],
    [{ event_type: 'click', 'http.url': 'https://x' }, 'click', 'general'],
    [{ 'http.url': 'https://x' }, 'documentLoad', 'general'],
  ])('tracetest.span.type of %j named %s is %s', (attributes, name, type) => {
    expect(check(`attr:tracetest.span.type = "${type}"`, span({ name, attributes })).holds).toBe(true);
  });

  it('resource attributes read as the span\'s, and win over a span attribute of the same name (as Tracetest merges them)', () => {
    const shadowed = span({ service: 'checkout', attributes: { 'service.name': 'from-the-span' } });
    expect(check('attr:service.name = "checkout"', shadowed).holds).toBe(true);
  });
});

describe('assertions that do not parse: where, and what was expected', () => {
  it.each([
    ['attr:http.status_code == 200', 22, 'expected a comparator (=, !=, <, <=, >, >=, contains, not-contains), found "=="; did you mean "="?'],
    ['attr:http.status_code notcontains "x"', 22, 'found "notcontains"; did you mean "not-contains"?'],
    ['attr:db.statement contain "SELECT"', 18, 'did you mean "contains"?'],
    ['attr:tracetest.span.durration < 1s', 5, 'unknown special attribute "tracetest.span.durration"; did you mean "tracetest.span.duration"?'],
    ['attr:tracetest.selected_spans.cont = 1', 5, 'did you mean "tracetest.selected_spans.count"?'],
    ['attr:myapp.output = myapp.input + 1', 20, 'expected a value: attr:NAME, a number, a duration, a "string" or a [list], found "myapp.input" (an attribute is written attr:myapp.input)'],
    ['attr:a = 1 = 2', 11, 'expected the end of the assertion, found "="'],
    ['attr:a', 6, 'expected a comparator (=, !=, <, <=, >, >=, contains, not-contains) at the end'],
    ['attr:a = "open', 9, 'unterminated string: expected a closing "'],
    ['attr:a | jsonpath \'$.x\' = 1', 9, 'expected a filter (json_path, regex, regex_group, get_index, length, type), found "jsonpath"; did you mean "json_path"?'],
    ["attr:a | json_path = 1", 9, 'json_path takes 1 argument, found 0'],
    ["attr:a | json_path '$.a[' = 1", 24, 'json_path: not a JSONPath query'],
    ["attr:a | regex '(' = 1", 15, 'regex: not a regular expression'],
    ["attr:a | get_index 'first' = 1", 19, "get_index takes a position from 0 or 'last'"],
    ['attr:a = uuid()', 9, 'uuid() is a function, which makes values for a trigger'],
    ['attr:a = var:NOT_SET', 9, 'var:NOT_SET is not set: tracelint reads var: and env: names from its environment (export NOT_SET=...)'],
    ['attr:a = "${attr:b ==}"', 19, 'expected "}" after the expression in ${...}, found "=="'],
  ])('%s: at %i, %s', (text, offset, message) => {
    const error = thrown(() => parseAssertion(text, { variables: {} }));
    expect(error).toBeInstanceOf(AssertionSyntaxError);
    expect((error as AssertionSyntaxError).message).toContain(message);
    expect((error as AssertionSyntaxError).offset).toBe(offset);
  });
});
