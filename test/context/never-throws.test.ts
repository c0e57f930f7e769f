import { baggageEntryMetadataFromString, propagation, ROOT_CONTEXT, trace, TraceFlags, type BaggageEntry } from '@opentelemetry/api';
import { TraceState, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBaggage } from '../../src/context/baggage.js';
import { detectKind, explainHeader, type SingleHeaderKind } from '../../src/context/detect.js';
import { parseB3Multi, parseB3Single, parseUberTraceId, parseXRay } from '../../src/context/other-families.js';
import type { HeaderProblem, ParseResult } from '../../src/context/problem.js';
import { parseTraceContext } from '../../src/context/trace-context.js';
import { parseTraceparent } from '../../src/context/traceparent.js';
import { parseTracestate } from '../../src/context/tracestate.js';
import { explainArguments, explainLog, headersJson, renderHeaders, type HeaderOptions } from '../../src/cli/header.js';
import { UsageError } from '../../src/cli/errors.js';
import { Chalk } from 'chalk';
import { runTracelint } from '../support/cli.js';

/**
 * Every header parser returns a result on any input, never throws: random
 * values (any code points, lone surrogates included, and strings over each
 * kind's own alphabet) and mutations of valid values (the OpenTelemetry SDK's
 * own traceparent, tracestate and baggage, and the specifications' examples of
 * the other kinds) with the pieces that break parsers inserted, replaced,
 * repeated or cut: bad percent-escapes, separators, zeros, control
 * characters, non-ASCII. A result is well formed: it is invalid exactly when
 * it has an error, and each problem points inside the value and names its
 * section. HEADER_FUZZ_RUNS sets the number of values per kind (`npm run fuzz`
 * runs a million).
 */
const RUNS = Number(process.env.HEADER_FUZZ_RUNS ?? 3_000);
/** A million values take minutes, not the suite's 30 s. */
const TIMEOUT = Math.max(30_000, RUNS * 2);

const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SID = '00f067aa0ba902b7';

/** What the OpenTelemetry SDK's propagators send: traceparent, tracestate and baggage. */
function sdkHeaders(): Record<string, string>[] {
  const traceContext = new W3CTraceContextPropagator();
  const baggagePropagator = new W3CBaggagePropagator();
  const set = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };
  const states = ['', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', 'fw529a3039@dt=CAESEAAB,vendor=a b c'];
  const baggages: Array<Record<string, BaggageEntry>> = [
    { userId: { value: 'alice' } },
    { serverNode: { value: 'DF 28' }, isProduction: { value: 'false' } },
    { name: { value: 'Amélie 日本 %;,"\\' }, withMetadata: { value: 'v', metadata: baggageEntryMetadataFromString('ttl=60;secret') } },
  ];
  return states.flatMap((state, i) =>
    [TraceFlags.SAMPLED, TraceFlags.NONE].map((traceFlags) => {
      const carrier: Record<string, string> = {};
      const span = trace.wrapSpanContext({ traceId: TID, spanId: SID, traceFlags, traceState: new TraceState(state), isRemote: true });
      const context = propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, span), propagation.createBaggage(baggages[i]!));
      traceContext.inject(context, carrier, set);
      baggagePropagator.inject(context, carrier, set);
      return carrier;
    }),
  );
}

const sdk = sdkHeaders();
const SEEDS = {
  traceparent: [...sdk.map((headers) => headers.traceparent!), `cc-${TID}-${SID}-01-future`, `00-${TID}-${SID}-09`],
  tracestate: [...sdk.map((headers) => headers.tracestate ?? ''), 'foo@bar@baz=1,bar=2', `${'a'.repeat(241)}@v=x`, Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(',')],
  baggage: [...sdk.map((headers) => headers.baggage ?? ''), 'key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue', 'k=aa%ffcc;p=val%252%2C'],
  b3: ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90', '463ac35c9f6413ad-a2fb4a1d1a96d312-d', '0', 'd'],
  uberTraceId: ['4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1', '2a%3A3b%3A0%3A1', '2a:3b:0:3'],
  xray: ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?', ' Root=1-5759e988-bd862e3fe1be46a994272793 ; Lineage=a87bd80c:1|68fd508a:5'],
};

/** The pieces that have broken parsers: escapes, separators, zeros, controls, non-ASCII, lengths. */
const PIECES = [
  '%', '%Z', '%ZZ', '%3A', '%3a', '%2', '%ff', '%C3', '%E6%97', '%C3%A9', '%25', '%00', ':', '::', '-', '--', '=', '==', ',', ',,', ';', '@', '@@', ' ', '\t', '0', '0000000000000000', 'f', 'F', 'g', 'd', '1', '?',
  '\u0000', '\u001b[2J', '\r\n', '\uD800', '\uDC00', '\uFFFD', 'é', '日本', '\u2010', 'Root=', ';Parent=', ';Sampled=', 'x-b3-', '__proto__', 'a'.repeat(300), 'k=v,'.repeat(70), 'k=v,'.repeat(200),
];

const mutation = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), op: fc.constantFrom('insert', 'replace', 'delete', 'repeat', 'truncate'), piece: fc.constantFrom(...PIECES) });

function mutate(text: string, mutations: Array<{ at: number; op: string; piece: string }>): string {
  let out = text;
  for (const { at, op, piece } of mutations) {
    const i = Math.floor(at * (out.length + 1));
    if (op === 'insert') out = out.slice(0, i) + piece + out.slice(i);
    else if (op === 'replace') out = out.slice(0, i) + piece + out.slice(i + piece.length);
    else if (op === 'delete') out = out.slice(0, i) + out.slice(i + 1 + (piece.length % 4));
    else if (op === 'repeat') out = out.slice(0, i) + out.slice(i, i + 8).repeat(1 + (piece.length % 5)) + out.slice(i);
    else out = out.slice(0, i);
  }
  return out;
}

/** Random and mutated values of one kind: any code points, the kind's own alphabet, and mutated seeds. */
function values(seeds: string[], alphabet: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 120 }),
    fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 5 })).map(([seed, mutations]) => mutate(seed, mutations)),
  );
}

const HEX = '0123456789abcdefABCDEF';
const ARBITRARY = {
  traceparent: values(SEEDS.traceparent, `${HEX}-x `),
  tracestate: values(SEEDS.tracestate, 'az09_-*/@=, \t~A'),
  baggage: values(SEEDS.baggage, 'aZ09=;,% \t"\\fF'),
  b3: values(SEEDS.b3, `${HEX}-d`),
  uberTraceId: values(SEEDS.uberTraceId, `${HEX}:%3A0`),
  xray: values(SEEDS.xray, `${HEX}Root=1-;Parent=Sampled?`),
};

/** The result has the shape the type promises: valid exactly when no error, problems inside the value, each with its section. */
function expectWellFormed(result: ParseResult<unknown>, text: string | number): void {
  // One assertion per value: expect() per problem would be most of the time of a million runs.
  expect(whatIsWrong(result, typeof text === 'number' ? text : text.length), JSON.stringify(result).slice(0, 500)).toBeUndefined();
}

function whatIsWrong(result: ParseResult<unknown>, length: number): string | undefined {
  if (typeof result.valid !== 'boolean' || !Array.isArray(result.problems)) return 'not a ParseResult';
  const hasError = result.problems.some((problem) => problem.severity === 'error');
  if (result.valid === hasError) return `valid is ${result.valid} with${hasError ? '' : 'out'} an error`;
  if (result.valid && result.value === undefined) return 'valid without a value';
  for (const problem of result.problems) {
    const wrong = problemIsWrong(problem, length);
    if (wrong) return wrong;
  }
  return undefined;
}

function problemIsWrong(problem: HeaderProblem, length: number): string | undefined {
  if (problem.severity !== 'error' && problem.severity !== 'warning' && problem.severity !== 'note') return `severity ${String(problem.severity)}`;
  if (!Number.isInteger(problem.offset) || problem.offset < 0 || problem.offset > length) return `offset ${problem.offset} in ${length} characters`;
  for (const text of [problem.found, problem.expected, problem.section]) if (typeof text !== 'string' || text.length === 0) return 'an empty found, expected or section';
  return undefined;
}

/**
 * RUNS values in chunks, each with its own seed (fast-check prints it on a
 * failure), yielding between them: a million synchronous runs would keep the
 * worker from answering vitest for minutes.
 */
async function property<T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => void): Promise<void> {
  const CHUNK = 10_000;
  for (let done = 0; done < RUNS; done += CHUNK) {
    fc.assert(fc.property(arbitrary, check), { numRuns: Math.min(CHUNK, RUNS - done) });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe(`header parsers return problems and never throw (${RUNS} random and mutated values per kind)`, () => {
  it.each([
    ['traceparent', ARBITRARY.traceparent, parseTraceparent],
    ['tracestate (Level 2)', ARBITRARY.tracestate, (text: string) => parseTracestate(text)],
    ['tracestate (Level 1)', ARBITRARY.tracestate, (text: string) => parseTracestate(text, { level: 1 })],
    ['baggage', ARBITRARY.baggage, parseBaggage],
    ['b3 single header', ARBITRARY.b3, parseB3Single],
    ['uber-trace-id', ARBITRARY.uberTraceId, parseUberTraceId],
    ['X-Amzn-Trace-Id', ARBITRARY.xray, parseXRay],
  ] as const)('%s', (_kind, arbitrary, parse) => property(arbitrary, (text) => expectWellFormed(parse(text), text)), TIMEOUT);

  it(
    'traceparent and tracestate as a receiver reads them',
    () =>
      property(fc.tuple(ARBITRARY.traceparent, ARBITRARY.tracestate), ([parent, state]) => {
        const context = parseTraceContext(parent, state);
        expectWellFormed(context.traceparent, parent);
        if (context.tracestate) expectWellFormed(context.tracestate, state);
      }),
    TIMEOUT,
  );

  it(
    'b3 multiple headers',
    () => {
      const b3Field = fc.oneof(ARBITRARY.b3, fc.constantFrom('0', '1', 'true', 'false', '', ' 1 ', 'd'), fc.string({ unit: fc.constantFrom(...HEX), maxLength: 34 }));
      const name = fc.constantFrom('X-B3-TraceId', 'x-b3-spanid', 'X-B3-ParentSpanId', 'X-B3-Sampled', 'X-B3-Flags', 'X-B3-TRACEID', 'x-b3-sampled');
      return property(fc.dictionary(name, b3Field, { maxKeys: 6 }), (fields) => {
        const result = parseB3Multi(fields);
        expectWellFormed(result, Infinity);
        // Each problem is in one field, at an offset inside its value (0 for a field not sent).
        const outside = result.problems.filter((problem) => problem.field === undefined || problem.offset > (fields[problem.field] ?? '').trim().length);
        expect(outside).toEqual([]);
      });
    },
    TIMEOUT,
  );

  const anyValue = fc.oneof(...Object.values(ARBITRARY));
  const headerName = fc.constantFrom('traceparent', 'tracestate', 'baggage', 'b3', 'uber-trace-id', 'X-Amzn-Trace-Id', 'X-B3-TraceId', 'X-B3-SpanId', 'X-B3-Sampled', 'constructor', 'Root');
  /** What a person pastes: bare values and `name: value` lines, one request's headers. */
  const argumentsOfOneCall = fc.array(fc.oneof(anyValue, fc.tuple(headerName, anyValue).map(([name, value]) => `${name}: ${value}`)), { minLength: 1, maxLength: 4 });
  const options = fc.record({ kind: fc.constantFrom(undefined, 'traceparent', 'tracestate', 'baggage', 'b3', 'uber-trace-id', 'x-amzn-trace-id'), level: fc.constantFrom(1, 2) }).map(({ kind, level }): HeaderOptions => (kind ? { kind, level } : { level }));
  const plain = new Chalk({ level: 0 });
  const coloured = new Chalk({ level: 1 });

  /** explain, then render as text (plain and coloured) and JSON: the command minus argument parsing and I/O. */
  function explainsOrRefuses(explain: () => ReturnType<typeof explainArguments>): void {
    let report;
    try {
      report = explain();
    } catch (error) {
      // Not a trace header: a usage error (exit 2 with a message), never anything else.
      expect(error).toBeInstanceOf(UsageError);
      return;
    }
    for (const entry of report.explained) expectWellFormed(entry.header.result, entry.fields ? Infinity : entry.text);
    expect(typeof renderHeaders(report, plain)).toBe('string');
    expect(renderHeaders(report, coloured)).not.toMatch(/\u001b\[2J/);
    expect(JSON.parse(headersJson(report)).headers).toHaveLength(report.explained.length);
  }

  it('tracelint header: arguments explained, rendered and printed as JSON', () => property(fc.tuple(argumentsOfOneCall, options), ([values, chosen]) => explainsOrRefuses(() => explainArguments(values, chosen))), TIMEOUT);

  it('tracelint header --stdin: a log dump explained, rendered and printed as JSON', () => property(fc.tuple(argumentsOfOneCall, options), ([lines, chosen]) => explainsOrRefuses(() => explainLog(lines.join('\n'), chosen))), TIMEOUT);

  it(`tracelint header, the command itself (${Math.min(RUNS, 300)} calls): exit 0, 1 or 2, never an internal error`, async () => {
    await fc.assert(
      fc.asyncProperty(argumentsOfOneCall, fc.constantFrom([], ['--json'], ['--level', '1'], ['--kind', 'uber-trace-id']), async (values, flags) => {
        const run = await runTracelint(['header', ...flags, '--', ...values]);
        expect([0, 1, 2]).toContain(run.code);
        expect(run.stderr).not.toContain('internal error');
      }),
      { numRuns: Math.min(RUNS, 300) },
    );
  }, TIMEOUT);

  it(
    'the detector and explainHeader on whatever it detects',
    () =>
      property(fc.oneof(...Object.values(ARBITRARY)), (text) => {
        const kind = detectKind(text);
        if (kind === undefined || kind === 'b3-multi') return;
        const { result } = explainHeader(kind as SingleHeaderKind, text);
        expect(typeof result.valid).toBe('boolean');
      }),
    TIMEOUT,
  );
});
