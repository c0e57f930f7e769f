import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/formats/read.js';

/** One OTLP/JSON span whose only attribute has this AnyValue. */
function withValue(value: unknown): string {
  const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'op', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [{ key: 'k', value }] };
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
}

const PATH = 'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value';

// Common values take a fast path in the decoder; these rows pin that it decodes
// exactly as the general path does, edge cases included.
describe('OTLP attribute values', () => {
  it.each([
    ['a string', { stringValue: 'GET' }, 'GET'],
    ['an empty string', { stringValue: '' }, ''],
    ['null sets nothing (proto3 JSON)', { stringValue: null }, null],
    ['a null double, as the JS SDK writes NaN and Infinity', { doubleValue: null }, null],
    ['a null before the value is skipped', { intValue: null, stringValue: 'x' }, 'x'],
    ['snake_case', { string_value: 'x' }, 'x'],
    ['a bool', { boolValue: false }, false],
    ['an int as a string', { intValue: '200' }, 200],
    ['an int as a number', { intValue: 200 }, 200],
    ['a negative int', { intValue: '-5' }, -5],
    ['minus zero is zero', { intValue: '-0' }, 0],
    ['leading zeros', { intValue: '007' }, 7],
    ['the largest safe int', { intValue: '9007199254740991' }, 9007199254740991],
    ['an int beyond 2^53 stays exact', { intValue: '9007199254740993' }, 9007199254740993n],
    ['int64 max', { intValue: '9223372036854775807' }, 9223372036854775807n],
    ['a double', { doubleValue: 1.5 }, 1.5],
    ['a double as a string', { doubleValue: '2.5' }, 2.5],
    ['an unknown key before the value is skipped', { unknownValue: 1, stringValue: 'x' }, 'x'],
    ['an empty value', {}, null],
    ['no value', null, null],
    ['an array', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } }, ['a', 1]],
  ])('%s', (_, value, expected) => {
    const [span] = decodeText(withValue(value), 'v.json').spans;
    const decoded = span!.attributes.k;
    if (Object.is(expected, 0)) expect(Object.is(decoded, 0)).toBe(true);
    else expect(decoded).toEqual(expected);
  });

  it.each([
    ['a string of the wrong type', { stringValue: 5 }, `${PATH}.stringValue: expected a string, found number 5`],
    ['a bool of the wrong type', { boolValue: 'true' }, `${PATH}.boolValue: expected true or false`],
    ['a fractional int', { intValue: 1.5 }, `${PATH}.intValue: expected a 64-bit integer`],
    ['an int beyond int64', { intValue: '9223372036854775808' }, `${PATH}.intValue: expected a 64-bit integer`],
    ['a value that is not an object', 'GET', `${PATH}: expected an object`],
    ['a key that is not a string', undefined, 'attributes[0].key: expected a string'],
  ])('%s is an error naming the field', (_, value, message) => {
    const text = value === undefined ? withValue({ stringValue: 'x' }).replace('"key":"k"', '"key":7') : withValue(value);
    expect(() => decodeText(text, 'v.json')).toThrow(message);
  });
});
