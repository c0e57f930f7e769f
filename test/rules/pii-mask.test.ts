import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/engine.js';
import { TraceSet } from '../../src/model/trace.js';
import { detectPii } from '../../src/rules/support/pii-detectors.js';
import { maskPii } from '../../src/rules/support/pii-mask.js';
import { span } from '../support/spans.js';

/** A JWT whose payload is {"sub":"1234567890"}. */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('maskPii: a value as a report may show it, masked as the pii rule masks it', () => {
  const CASES: Array<[string, string, string | undefined, string]> = [
    ['nothing to mask', 'GET /cart', undefined, 'GET /cart'],
    ['an address inside a path', 'GET /users/jane.doe@acmecorp.eu/orders', undefined, 'GET /users/j***@a***.eu/orders'],
    ['an address in capitals', 'to JANE.DOE@ACMECORP.EU now', undefined, 'to J***@A***.EU now'],
    ['two different addresses', 'from a.b@acmecorp.eu to c.d@widgets.io', undefined, 'from a***@a***.eu to c***@w***.io'],
    ['the same address twice', 'x@acmecorp.eu, x@acmecorp.eu', undefined, 'x***@a***.eu, x***@a***.eu'],
    ['a card number in groups', 'paid with 4539 1488 0343 6467 today', undefined, 'paid with ****6467 today'],
    ['a JWT in a message', `token ${JWT} expired`, undefined, `token **** (${JWT.length} chars) expired`],
    ['a bearer token', 'auth: Bearer abcdefghijklmnop123', undefined, 'auth: Bearer **** (19 chars)'],
    ['credentials in a URL', 'https://admin:s3cretpw@db.internal/x', undefined, 'https://****:****@db.internal/x'],
    ['an international phone number', 'call +49 30 9087 6543 later', undefined, 'call +**********43 later'],
    ['a value named like a secret: whole', 'hunter2!', 'db.password', '**** (8 chars)'],
    ['a bearer token under a secret-like key: as the finding shows it', 'Bearer abcdefghijklmnop123', 'http.request.header.authorization', 'Bearer **** (19 chars)'],
    ['a redacted value under a secret name: kept', 'REDACTED', 'db.password', 'REDACTED'],
    ['a private key: whole', '-----BEGIN RSA PRIVATE KEY-----\nMIIB', 'note', '-----BEGIN … PRIVATE KEY----- (redacted)'],
    ['an address at a reserved domain is nobody\u2019s: kept', 'mail jane@example.com', undefined, 'mail jane@example.com'],
  ];
  it.each(CASES)('%s', (_name, value, key, shown) => {
    expect(maskPii(value, key)).toBe(shown);
  });

  it('what it returns has nothing left to find', () => {
    for (const [, value, key] of CASES) expect(detectPii(maskPii(value, key), key).filter((m) => m.kind !== 'secret-by-name')).toEqual([]);
  });

  it('a part that cannot be placed as written (percent-encoded) leaves only the masks', () => {
    const shown = maskPii('/login?next=%2Fhome&user=jane.doe%40acmecorp.eu');
    expect(shown).not.toContain('jane');
    expect(shown).toBe('(masked: j***@a***.eu)');
  });

  it('many addresses in one value are all masked; past 64 rounds, only the masks', () => {
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@acmecorp.eu`).join(' ');
    expect(maskPii(addresses(40))).toBe(Array.from({ length: 40 }, () => 'u***@a***.eu').join(' '));
    expect(maskPii(addresses(100))).toBe('(masked: u***@a***.eu)');
  });
});

describe("rule messages name spans with their personal data masked (every message names spans)", () => {
  it("no rule's message, data or group repeats an address or a token from a span name", () => {
    const spans = [
      span({ name: 'GET /users/jane.doe@acmecorp.eu', kind: 'SERVER', status: { code: 'ERROR' }, attributes: { 'http.route': '/users/{id}' } }),
      span({ name: `token ${JWT}`, parentSpanId: '00000000000000ff' }),
    ];
    const { diagnostics } = lint(new TraceSet(spans));
    expect(diagnostics.map((d) => d.ruleId)).toEqual(expect.arrayContaining(['pii', 'high-cardinality-span-name', 'error-without-details', 'orphan-span']));
    const text = JSON.stringify(diagnostics);
    expect(text).not.toContain('jane.doe');
    expect(text).not.toContain(JWT);
    expect(text).toContain('GET /users/j***@a***.eu');
  });
});
