import { describe, expect, it } from 'vitest';
import { attributeCount } from '../../src/rules/attribute-count.js';
import { DEPRECATED_ATTRIBUTES } from '../../src/rules/data/deprecated-attributes.js';
import { deprecatedAttribute } from '../../src/rules/deprecated-attribute.js';
import { errorWithoutDetails } from '../../src/rules/error-without-details.js';
import { highCardinalitySpanName } from '../../src/rules/high-cardinality-span-name.js';
import { missingServiceName } from '../../src/rules/missing-service-name.js';
import { ruleTable } from '../support/rule-tester.js';
import { attrs, resource, span, T0 } from '../support/spans.js';

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

ruleTable(attributeCount, {
  valid: [{ name: '20 attributes', spans: [span({ attributes: many(20) })] }],
  invalid: [
    { name: '21 is a warning', spans: [span({ attributes: many(21) })], findings: [{ message: 'has 21 attributes (more than 20)', severity: 'warn' }] },
    { name: '31 is an error', spans: [span({ attributes: many(31) })], findings: [{ message: 'more than 30', severity: 'error' }] },
    { name: 'thresholds are options', options: { warnAbove: 2, errorAbove: 5 }, spans: [span({ attributes: many(3) })], findings: [{ severity: 'warn', data: { count: 3, limit: 2 } }] },
  ],
});

ruleTable(highCardinalitySpanName, {
  valid: [{ name: 'route templates', spans: [span({ name: 'GET /users/{id}' }), span({ name: 'SELECT orders', at: [1, 2] }), span({ name: 'HTTP GET', at: [2, 3] })] }],
  invalid: [
    { name: 'a numeric id in a path', spans: [span({ name: 'GET /users/12345' })], findings: [{ message: "span names in 'svc' contain a numeric id in a path (first: 'GET /users/12345')" }] },
    { name: 'a UUID', spans: [span({ name: 'process 3f2b8c1e-9a4d-4e7f-8b2c-1d3e5f7a9b0c' })], findings: [{ message: 'contain a UUID' }] },
    { name: 'a query string', spans: [span({ name: 'GET /search?q=shoes' })], findings: [{ message: 'contain a query string' }] },
    {
      name: 'webpack-hashed asset names on many SERVER spans of one service: one finding',
      spans: ['a1b2c3d4e5f60718293a', 'ffeeddccbbaa99887766'].map((hash, n) => span({ kind: 'SERVER', service: 'strongman', name: `get js/app.${hash}.js`, at: [n, n + 1] })),
      findings: [{ count: 2, message: "SERVER span names in 'strongman' contain a long hex id (first: 'get js/app.a1b2c3d4e5f60718293a.js')" }],
    },
  ],
});

const failed = (over: Parameters<typeof span>[0] = {}) => span({ status: { code: 'ERROR' }, ...over });
ruleTable(errorWithoutDetails, {
  valid: [
    { name: 'with a message', spans: [span({ status: { code: 'ERROR', message: 'timeout' } })] },
    { name: 'with an exception event', spans: [failed({ events: [{ name: 'exception', timeUnixNano: T0, attributes: attrs(), droppedAttributesCount: 0 }] })] },
    { name: 'with error.type', spans: [failed({ attributes: { 'error.type': '500' } })] },
    // The semantic conventions: no description when the status code tells the reason.
    { name: 'an HTTP server span with status 500', spans: [failed({ kind: 'SERVER', attributes: { 'http.response.status_code': 500 } })] },
    { name: 'an HTTP server span with the old key, as a string (Zipkin)', spans: [failed({ kind: 'SERVER', attributes: { 'http.status_code': '503' } })] },
    { name: 'an HTTP client span with status 404', spans: [failed({ kind: 'CLIENT', attributes: { 'http.response.status_code': 404 } })] },
    { name: 'a gRPC span with status 13 (INTERNAL)', spans: [failed({ kind: 'SERVER', attributes: { 'rpc.grpc.status_code': 13 } })] },
  ],
  invalid: [
    { name: 'a bare ERROR', spans: [failed()], findings: [{ message: "'op' in svc has ERROR status without a message" }] },
    { name: 'a server span with a 4xx is not an error the status code explains', spans: [failed({ kind: 'SERVER', attributes: { 'http.response.status_code': 404 } })], findings: [{ count: 1 }] },
    { name: 'gRPC OK with ERROR status says nothing', spans: [failed({ attributes: { 'rpc.grpc.status_code': 0 } })], findings: [{ count: 1 }] },
    {
      name: 'one operation failing on many spans is one finding, per service and operation',
      spans: [failed({ name: 'charge' }), failed({ name: 'charge', at: [1, 2] }), failed({ name: 'refund', at: [2, 3] })],
      findings: [{ count: 2, data: { name: 'charge' } }, { count: 1, data: { name: 'refund' } }],
    },
  ],
});

ruleTable(missingServiceName, {
  valid: [{ name: 'named', spans: [span({ service: 'checkout' })] }],
  invalid: [
    { name: 'no service.name, reported once per resource', spans: [span({ resource: resource(undefined) }), span({ resource: resource(undefined), at: [1, 2] })], findings: [{ message: 'resource has no service.name' }] },
    { name: 'the SDK default', spans: [span({ service: 'unknown_service:node' })], findings: [{ message: "the SDK default 'unknown_service:node'" }] },
  ],
});

ruleTable(deprecatedAttribute, {
  valid: [
    { name: 'current names', spans: [span({ attributes: { 'http.request.method': 'GET', 'server.address': 'x' } })] },
    { name: 'keys named after Object.prototype members', spans: [span({ attributes: { constructor: 'x', toString: 'y', ['__proto__']: 'z', hasOwnProperty: 'w' } })] },
    { name: 'an experimental convention (messaging) is not reported by default', spans: [span({ attributes: { 'messaging.operation': 'publish', 'messaging.destination_kind': 'queue' } })] },
  ],
  invalid: [
    {
      name: 'the stable renames on one span',
      spans: [span({ attributes: { 'http.method': 'GET', 'http.status_code': 200, 'net.peer.name': 'db' } })],
      findings: [{ message: "attribute 'http.method' is deprecated: use 'http.request.method' (spans of 'svc', test)" }, { data: { replacement: 'http.response.status_code', stable: true } }, { message: /server\.address/ }],
    },
    {
      name: 'one key on every span of a service is one finding with the count',
      spans: [1, 2, 3, 4].map((n) => span({ at: [n, n + 1], attributes: { 'http.method': 'GET' } })),
      findings: [{ count: 4, data: { key: 'http.method' } }],
    },
    {
      name: 'per service and per instrumentation scope',
      spans: [
        span({ service: 'a', attributes: { 'db.statement': 'SELECT 1' } }),
        span({ service: 'a', attributes: { 'db.statement': 'SELECT 1' }, at: [1, 2] }),
        span({ service: 'b', attributes: { 'db.statement': 'SELECT 1' } }),
        span({ service: 'b', attributes: { 'db.statement': 'SELECT 1' }, scope: { name: '@opentelemetry/instrumentation-pg', version: '0.40.0' } }),
      ],
      findings: [
        { count: 2, message: "(spans of 'a', test)" },
        { count: 1, message: "(spans of 'b', test)" },
        { count: 1, message: "(spans of 'b', @opentelemetry/instrumentation-pg 0.40.0)", data: { scope: '@opentelemetry/instrumentation-pg', scopeVersion: '0.40.0' } },
      ],
    },
    {
      name: 'experimental conventions when asked for',
      options: { experimental: true },
      spans: [span({ attributes: { 'messaging.operation': 'publish' } })],
      findings: [{ message: "use 'messaging.operation.type'", data: { stable: false } }],
    },
  ],
});

describe('the deprecated-attribute table', () => {
  it('covers the stable HTTP, database and messaging renames', () => {
    expect(DEPRECATED_ATTRIBUTES['db.statement']).toEqual({ replacement: 'db.query.text', stable: true });
    expect(DEPRECATED_ATTRIBUTES['http.url']).toEqual({ replacement: 'url.full', stable: true });
    expect(DEPRECATED_ATTRIBUTES['net.peer.name']).toMatchObject({ stable: true });
    expect(DEPRECATED_ATTRIBUTES['messaging.operation']).toEqual({ replacement: 'messaging.operation.type', stable: false });
  });

  it('matches what the installed @opentelemetry/semantic-conventions says', async () => {
    // @ts-expect-error -- a plain .mjs script without types
    const generator = (await import('../../scripts/gen-deprecated-attributes.mjs')) as { deprecatedAttributes: () => { table: unknown } };
    expect(DEPRECATED_ATTRIBUTES).toEqual(generator.deprecatedAttributes().table);
  });
});
