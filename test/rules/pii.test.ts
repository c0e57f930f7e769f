import { describe, expect, it } from 'vitest';
import { pii } from '../../src/rules/pii.js';
import { ibanChecksumValid, luhn } from '../../src/rules/support/checksums.js';
import { detectPii } from '../../src/rules/support/pii-detectors.js';
import { keyWords, kindOfKey } from '../../src/rules/support/pii-keys.js';
import { birthDateValue } from '../../src/rules/support/pii-values.js';
import { isTestCardNumber } from '../../src/rules/support/placeholders.js';
import { runRule } from '../support/run-rule.js';
import { ruleTable } from '../support/rule-tester.js';
import { attrs, resource, span, T0 } from '../support/spans.js';

/** A JWT whose payload holds these claims (the signature is made up: only the shape matters). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U`;
}

const JWT = jwt({ sub: '1234567890', iat: 1516239022 });
const event = (name: string, values: Record<string, string>) => ({ name, timeUnixNano: T0, attributes: attrs(values), droppedAttributesCount: 0 });
/** Luhn-valid, with Visa's prefix and length, and not a published test number. */
const CARD = '4005 5192 0000 0004';
/** A made-up German IBAN with valid check digits (mod 97). */
const IBAN = 'DE25 1002 0030 0123 4567 89';

ruleTable(pii, {
  valid: [
    { name: 'ordinary attributes', spans: [span({ attributes: { 'http.route': '/users/{id}', 'user.id': '8f2a', 'thread.id': 1234567890123456 } })] },
    { name: 'a redacted secret', spans: [span({ attributes: { 'http.request.header.authorization': 'REDACTED', 'db.password': '****', 'app.api_key': '[FILTERED]', 'client_secret': '${CLIENT_SECRET}' } })] },
    { name: 'a 16-digit number that fails the Luhn check', spans: [span({ attributes: { 'order.ref': '4111111111111112' } })] },
    { name: 'an allowed key', options: { allowKeys: ['user.email'] }, spans: [span({ attributes: { 'user.email': 'jane@acmecorp.eu' } })] },
    // Session ids are correlation ids, not credentials (issue #18: 473 false errors on highlight__traces.json).
    {
      name: 'session ids',
      spans: [span({ attributes: { 'session.id': '00112233-4455-6677-8899-aabbccddeeff', 'highlight.session_id': 'tUVyYXgmLPMuJBM5FdhaEcDIOfah', 'user.session_id': 'a81b3c9d2e', 'http.request.header.x-session-id': ['9f8e7d6c5b4a'], sessionId: 'abc123def456', JSESSIONID: 'node01a2b3c4' } })],
    },
    {
      name: 'keys about a secret, not the secret',
      spans: [span({ attributes: { 'oauth.token_type': 'Bearer', 'token.type': 'refresh', 'password.length': '12', 'api_key_id': 'key-42', 'llm.token_count.prompt': '412', 'gen_ai.usage.input_tokens': '12', 'next_page_token': 'CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA', 'secret.name': 'db-credentials', 'cookie.name': 'sid' } })],
    },
    {
      name: 'semantic-convention infrastructure: host names, addresses and user agents',
      spans: [
        span({
          attributes: {
            'server.address': 'checkout.internal',
            'client.address': '203.0.113.7',
            'network.peer.address': '10.0.0.4',
            'network.local.address': '10.0.0.5',
            'url.domain': 'shop.acmecorp.eu',
            'user_agent.original': 'Mozilla/5.0 (compatible; ShopBot/1.0; +mailto:bot@acmecorp.eu)',
            'host.name': 'web-7f9c',
          },
          resource: resource('svc', { 'host.name': 'admin@ip-10-0-0-1', 'host.ip': '10.0.0.1' }),
        }),
      ],
    },
    // Reserved for documentation (RFC 2606, RFC 6761): nobody's address.
    {
      name: 'e-mail addresses at reserved domains',
      spans: [span({ attributes: { 'user.email': 'fake@example.com', 'enduser.email': 'joe@example.com', 'a.email': 'a@mail.example.org', 'b.email': 'b@example.net', 'c.email': 'c@api.example-ai.test', 'd.email': 'd@host.invalid', 'e.email': 'e@box.localhost', 'f.email': 'f@corp.example' } })],
    },
    {
      name: 'documentation and test numbers',
      spans: [
        span({
          attributes: {
            'payment.card': '4111 1111 1111 1111',
            'stripe.card': '4242424242424242',
            'customer.phone': '+1 202 555 0143',
            'contact.mobile': '07700 900123',
            note: 'call +44 20 7946 0958 or 555-0100',
            'aws.access_key': 'AKIAIOSFODNN7EXAMPLE',
            'customer.ssn': '078-05-1120',
            'other.ssn': '900-12-3456',
            'third.ssn': '123-00-4567',
          },
        }),
      ],
    },
    {
      name: 'ids, hashes, times and versions that look like numbers',
      spans: [
        span({
          attributes: {
            // Luhn-valid with a Visa prefix and length, but a decimal trace id.
            'dd.trace_id': '4611686018427387900',
            'app.request.ts': '4300000000000009',
            'event.time': '1541485537486',
            'git.sha': '68a61bd7aa82db490c32264bfa053750c99fb72b7824ae3497acbd9dbc9f2ca',
            'service.version': '1.0.0+20240315',
            'app.ratio': '+1.23456789',
            'order.created_at': '1985-04-12',
            'oauth.clientId': '57a6c0a8-cac9-4921-a349-267092837d72',
            // An IBAN's shape with a wrong check digit.
            'transfer.ref': 'DE26 1002 0030 0123 4567 89',
            'part.number': '536-22-8816',
          },
        }),
      ],
    },
    { name: 'a date under a key that is not a birth date, an address that is not a street', spans: [span({ attributes: { 'token.expires_at': '2025-12-31', 'card.issued': '2024-01-01', 'email.address': 'no@example.com', 'wallet.address': '0x52908400098527886E0F7030069857D2E4169EE7' } })] },
    { name: 'an SSH remote is not an e-mail address', spans: [span({ attributes: { 'vcs.repository.url.full': 'git@github.com:acme/shop.git' } })] },
    { name: 'cookie settings and credentials modes are not secrets', spans: [span({ attributes: { 'app.cookie_consent': 'accepted', 'cookie.samesite': 'Lax', 'http.request.credentials': 'include', 'http.request.header.authorization': 'Negotiate' } })] },
    { name: 'a status message without personal data', spans: [span({ status: { code: 'ERROR', message: 'connect ECONNREFUSED 172.25.0.9:7070' } })] },
    { name: 'a query string without personal data', spans: [span({ attributes: { 'url.full': 'http://frontend-proxy:8080/api/data?contextKeys=binoculars', 'http.target': '/fraud/checkOrder?orderPrice=300.0&customerIpAddress=127.0.0.1&shippingCountry=FR' } })] },
  ],
  invalid: [
    {
      name: 'an e-mail address',
      spans: [span({ attributes: { 'user.email': 'jane.doe@acmecorp.eu' } })],
      findings: [{ message: "e-mail address in attribute 'user.email' (spans of 'svc'; first value j***@a***.eu)", data: { kind: 'email', masked: 'j***@a***.eu', part: null }, count: 1 }],
    },
    {
      name: 'the same key carrying e-mail addresses on many spans is one finding, masked as the first',
      spans: [span({ attributes: { 'user.email': 'jane@acmecorp.eu' } }), span({ attributes: { 'user.email': 'bob@shopmail.de' } }), span({ attributes: { 'user.email': 'jane@acmecorp.eu' } })],
      findings: [{ message: 'first value j***@a***.eu', count: 3 }],
    },
    {
      name: 'one finding per service: the same key in two services is two',
      spans: [span({ service: 'a', attributes: { 'user.email': 'jane@acmecorp.eu' } }), span({ service: 'b', attributes: { 'user.email': 'jane@acmecorp.eu' } })],
      findings: [{ message: "(spans of 'a'", count: 1 }, { message: "(spans of 'b'", count: 1 }],
    },
    {
      name: 'a header array with two cookies is counted once on its span',
      spans: [span({ attributes: { 'http.request.header.cookie': ['sid=8f2a9c', 'theme=dark; cart=42'] } })],
      findings: [{ data: { kind: 'secret-by-name' }, count: 1 }],
    },
    { name: 'a card number with spaces', spans: [span({ attributes: { note: `paid with ${CARD} today` } })], findings: [{ message: 'card number', data: { masked: '****0004' } }] },
    { name: 'a card security code and expiry by key', spans: [span({ attributes: { 'card.cvv': '737', 'payment.card.expiry': '03/27', 'card.exp_month': 3 } })], findings: [{ data: { kind: 'card-expiry', key: 'card.exp_month' } }, { data: { kind: 'card-expiry', key: 'payment.card.expiry', masked: '**/**' } }, { data: { kind: 'card-security-code', masked: '***' } }] },
    { name: 'an IBAN in text, and by key', spans: [span({ attributes: { 'transfer.note': `refund to ${IBAN} please`, 'payee.iban': IBAN.replace(/ /g, '') } })], findings: [{ message: "IBAN in attributes 'transfer.note' and 'payee.iban'", data: { kind: 'iban', masked: 'DE****************6789', keys: ['transfer.note', 'payee.iban'] } }] },
    { name: 'a bank account number by key', spans: [span({ attributes: { 'customer.bank_account_number': '0532013000' } })], findings: [{ data: { kind: 'bank-account', masked: '******3000' } }] },
    { name: 'a US SSN by key', spans: [span({ attributes: { 'applicant.ssn': '536-22-8816' } })], findings: [{ data: { kind: 'ssn', key: 'applicant.ssn', masked: '***-**-****' } }] },
    { name: 'a US SSN named in a message', spans: [span({ events: [event('exception', { 'exception.message': 'lookup failed for SSN 536-22-8816' })] })], findings: [{ data: { kind: 'ssn', key: 'exception.message', where: "event 'exception' attribute" } }] },
    {
      name: 'the same SSN under a key and in an exception message is one finding naming both',
      spans: [span({ attributes: { 'applicant.ssn': '536-22-8816' }, events: [event('exception', { 'exception.message': 'lookup failed for SSN 536-22-8816' })] })],
      findings: [{ message: "US social security number in attribute 'applicant.ssn' and event 'exception' attribute 'exception.message'", data: { keys: ['applicant.ssn', 'exception.message'] } }],
    },
    { name: 'a passport number', spans: [span({ attributes: { 'traveller.passport_number': 'C01X00T47' } })], findings: [{ data: { kind: 'national-id' } }] },
    { name: 'a date of birth', spans: [span({ attributes: { 'user.dateOfBirth': '1985-04-12', 'customer.dob': '12/04/1985' } })], findings: [{ data: { kind: 'date-of-birth', key: 'customer.dob' } }, { data: { kind: 'date-of-birth', key: 'user.dateOfBirth' } }] },
    { name: 'a street address', spans: [span({ attributes: { 'order.shipping_address': '221B Baker Street, London' } })], findings: [{ message: "street address in attribute 'order.shipping_address'", data: { masked: '**** (25 chars)' } }] },
    { name: 'a phone number under a phone key, as text or as a number', spans: [span({ attributes: { 'customer.phone': '(030) 9018 2345', 'user.phone_number': 4930901823 } })], findings: [{ data: { kind: 'phone-number', key: 'customer.phone' } }, { data: { kind: 'phone-number', key: 'user.phone_number', masked: '********23' } }] },
    { name: 'an international phone number anywhere', spans: [span({ name: 'call +49 30 9018 2345' })], findings: [{ message: 'phone number in span name', data: { where: 'span name', masked: '+**********45' } }] },
    // Encoded values: each part judged by its own name.
    {
      name: 'an e-mail address in a URL query string, percent-encoded',
      spans: [span({ attributes: { 'url.full': 'https://shop.acmecorp.eu/signup?plan=pro&email=jane%40acmecorp.eu' } })],
      findings: [{ message: "e-mail address in attribute 'url.full' (parameter 'email')", data: { part: "parameter 'email'", masked: 'j***@a***.eu' } }],
    },
    {
      name: 'a secret and an e-mail address in url.query',
      spans: [span({ attributes: { 'url.query': 'api_key=8c1d0e9f7a6b&email=jane%40acmecorp.eu' } })],
      findings: [{ data: { kind: 'email', part: "parameter 'email'" } }, { data: { kind: 'secret-by-name', part: "parameter 'api_key'" } }],
    },
    { name: 'a form body', spans: [span({ attributes: { 'http.request.body': 'username=jane&password=hunter2%21&remember=on' } })], findings: [{ data: { kind: 'secret-by-name', part: "parameter 'password'", masked: '**** (8 chars)' } }] },
    {
      name: 'a JSON body, field by field',
      spans: [span({ attributes: { 'http.request.body.content': JSON.stringify({ user: { email: 'jane@acmecorp.eu', birthdate: '1985-04-12' }, card: { number: CARD, cvc: '737' } }) } })],
      findings: [
        { data: { kind: 'card-number', part: "JSON field 'card.number'" } },
        { data: { kind: 'card-security-code', part: "JSON field 'card.cvc'" } },
        { data: { kind: 'date-of-birth', part: "JSON field 'user.birthdate'" } },
        { data: { kind: 'email', part: "JSON field 'user.email'" } },
      ],
    },
    {
      name: "a JWT whose payload carries personal data: one finding, naming what the payload holds",
      spans: [span({ attributes: { 'http.request.header.authorization': `Bearer ${jwt({ sub: 'jane@acmecorp.eu', phone_number: '+49 30 9018 2345', exp: 1716239022 })}` } })],
      findings: [{ message: 'JWT (its payload holds: e-mail address, phone number) in attribute', data: { kind: 'jwt', payload: ['email', 'phone-number'] } }],
    },
    {
      name: 'an encoded value under a key naming personal data is judged part by part, not twice',
      spans: [span({ attributes: { 'order.shipping_address': JSON.stringify({ street: '221B Baker Street', city: 'London' }) } })],
      findings: [{ message: "street address in attribute 'order.shipping_address' (JSON field 'street')", count: 1 }],
    },
    { name: 'a JWT in a query parameter', spans: [span({ attributes: { 'url.full': `https://api.acmecorp.eu/cb?access_token=${JWT}` } })], findings: [{ data: { kind: 'jwt', part: "parameter 'access_token'" } }] },
    { name: 'a bearer token in a header', spans: [span({ attributes: { 'http.request.header.x-forwarded-auth': 'Bearer abcdefghijklmnop123' } })], findings: [{ data: { kind: 'bearer-token' } }] },
    { name: 'a JWT in text', spans: [span({ attributes: { 'rpc.message': `token=${JWT}` } })], findings: [{ data: { kind: 'jwt', part: "parameter 'token'" } }] },
    {
      name: 'an AWS key in a resource attribute: one finding, counting the spans of that resource',
      spans: (() => {
        const leaky = { ...resource('svc'), attributes: attrs({ 'service.name': 'svc', 'deploy.aws_key': 'AKIAI44QH8DHBEXAMPL1' }) };
        return [span({ resource: leaky }), span({ resource: leaky })];
      })(),
      findings: [{ data: { kind: 'aws-access-key', where: 'resource attribute', masked: 'AKIA************MPL1' }, count: 2 }],
    },
    { name: 'a private key', spans: [span({ attributes: { 'tls.key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEow…' } })], findings: [{ data: { kind: 'private-key' } }] },
    { name: 'credentials in a URL', spans: [span({ attributes: { 'url.full': 'https://admin:s3cret@db.internal/x' } })], findings: [{ data: { kind: 'url-credentials' } }] },
    { name: 'a connection string with a password', spans: [span({ attributes: { 'db.connection_string': 'Server=db;Database=shop;User Id=sa;Password=hunter2;' } })], findings: [{ data: { kind: 'connection-string-password', masked: 'Password=****' } }] },
    // Secrets by name are credentials.
    {
      name: 'credentials by their key',
      spans: [span({ attributes: { password: 'hunter2!', 'db.password': 'hunter2?', api_key: 'k-8c1d0e9f', 'http.request.header.x-api-key': ['k-8c1d0e9e'], client_secret: 's3cr3t-v4lue', 'http.request.header.cookie': ['sid=8f2a9c'], 'http.request.header.authorization': ['Basic dXNlcjpwYXNzd29yZA=='], 'oauth.refresh_token': '1//0gL9-abc' } })],
      findings: Array.from({ length: 8 }, () => ({ data: { kind: 'secret-by-name' } })),
    },
    { name: 'a key naming a secret holding a JWT is one finding, the JWT', spans: [span({ attributes: { 'app.session_token': JWT } })], findings: [{ data: { kind: 'jwt' } }] },
    // Where values are read.
    { name: 'an e-mail address in an exception event', spans: [span({ events: [event('exception', { 'exception.message': 'no account for bob@shopmail.de' })] })], findings: [{ data: { where: "event 'exception' attribute", key: 'exception.message' } }] },
    {
      name: "the same value under two keys of a span is said once: an exception's message and stack trace",
      spans: [span({ events: [event('exception', { 'exception.type': 'Error', 'exception.message': 'no account for bob@shopmail.de', 'exception.stacktrace': 'Error: no account for bob@shopmail.de\n    at signup (app.js:10:5)' })] })],
      findings: [{ message: "e-mail address in event 'exception' attributes 'exception.message' and 'exception.stacktrace' (spans of 'svc'; first value b***@s***.de)", data: { key: 'exception.message', keys: ['exception.message', 'exception.stacktrace'] } }],
    },
    {
      name: 'the same query under http.url and http.target is said once; another value under the second key is not lost',
      spans: [span({ attributes: { 'http.url': 'http://shop/signup?email=jane%40acmecorp.eu', 'http.target': '/signup?email=jane%40acmecorp.eu' } }), span({ attributes: { 'http.url': 'http://shop/', 'http.target': '/signup?email=bob%40shopmail.de' } })],
      findings: [{ message: "e-mail address in attributes 'http.url' (parameter 'email') and 'http.target' (parameter 'email')", count: 1 }, { message: "e-mail address in attribute 'http.target' (parameter 'email')", count: 1 }],
    },
    { name: 'an e-mail address in a status message', spans: [span({ status: { code: 'ERROR', message: 'user jane@acmecorp.eu not found' } })], findings: [{ message: 'e-mail address in status message', data: { where: 'status message', key: null } }] },
    { name: 'an e-mail address in a kvlist attribute', spans: [span({ attributes: { 'app.user': attrs({ contact: attrs({ email: 'jane@acmecorp.eu' }) }) } })], findings: [{ data: { key: 'app.user.contact.email' } }] },
  ],
});

describe('pii never shows the secret', () => {
  const secrets = ['jane.doe@acmecorp.eu', CARD, JWT, 'hunter2!', 'Bearer abcdefghijklmnop123', 's3cret', IBAN, '536-22-8816'];
  it.each(secrets)('%s', (secret) => {
    const found = runRule(pii, [span({ attributes: { 'app.password': secret, note: `value ${secret}`, 'url.full': `https://u:${secret}@h/`, 'applicant.ssn': secret } })]);
    expect(found.length).toBeGreaterThan(0);
    expect(JSON.stringify(found)).not.toContain(secret.replace('Bearer ', ''));
    expect(JSON.stringify(found)).not.toContain(secret.replace(/ /g, ''));
  });
});

describe('key names', () => {
  it.each([
    ['apiKey', ['api', 'key']],
    ['APIKey', ['api', 'key']],
    ['x-api-key', ['x', 'api', 'key']],
    ['highlight.session_id', ['highlight', 'session', 'id']],
    ['cvv2', ['cvv', '2']],
    ['dateOfBirth', ['date', 'of', 'birth']],
    ['address_line1', ['address', 'line', '1']],
    ['JSESSIONID', ['session', 'id']],
  ])('%s reads as %j', (key, words) => {
    expect(keyWords(key)).toEqual(words);
  });

  it.each([
    // [key, what it names]
    ['password', 'secret'],
    ['http.request.header.authorization', 'secret'],
    ['http.response.header.set-cookie', 'secret'],
    ['aws.secret_access_key', 'secret'],
    ['session.id', ''],
    ['highlight.session_id', ''],
    ['token.type', ''],
    ['customer.phone', 'phone'],
    ['phone.country_code', ''],
    ['mobile.build', ''],
    ['card.cvc', 'cardCode'],
    ['payment.security_code', 'cardCode'],
    ['http.security_code', ''],
    ['card.exp_year', 'cardExpiry'],
    ['subscription.expiration_date', ''],
    ['applicant.social_security_number', 'ssn'],
    ['user.birth_date', 'birthDate'],
    ['billing.address', 'streetAddress'],
    ['server.address', 'infrastructure'],
    ['email.address', ''],
    ['bank.account_number', 'bankAccount'],
    ['cloud.account.id', 'infrastructure'],
    ['account.id', ''],
  ])('%s names %s', (key, named) => {
    const kind = kindOfKey(key);
    const flags = (['secret', 'phone', 'cardCode', 'cardExpiry', 'ssn', 'birthDate', 'streetAddress', 'bankAccount', 'infrastructure'] as const).filter((flag) => kind[flag]);
    expect(flags).toEqual(named ? [named] : []);
  });
});

describe('value checks', () => {
  it('Luhn', () => {
    expect([luhn('4111111111111111'), luhn('4111111111111112'), luhn('79927398713')]).toEqual([true, false, true]);
  });

  it('every published test card number left out is Luhn-valid (otherwise leaving it out would mean nothing)', () => {
    const listed = ['4111111111111111', '4242424242424242', '5555555555554444', '378282246310005', '6011111111111117'];
    for (const card of listed) expect([card, isTestCardNumber(card), luhn(card)]).toEqual([card, true, true]);
  });

  it('IBAN check digits (mod 97)', () => {
    expect(['GB29NWBK60161331926819', 'DE25100200300123456789', 'NL91ABNA0417164300', 'DE26100200300123456789', 'GB29NWBK60161331926818'].map(ibanChecksumValid)).toEqual([true, true, true, false, false]);
  });

  it('dates of birth are calendar dates in the past', () => {
    const today = new Date('2025-06-01T00:00:00Z');
    expect(['1985-04-12', '12/04/1985', '19850412', '1985-02-30', '2030-01-01', '1899-12-31', '1985-13-01'].map((value) => birthDateValue(value, today))).toEqual([true, true, true, false, false, false, false]);
  });

  it('a value remembered as clean is still judged by its key', () => {
    // '4930901823' is no phone number under an ordinary key, but is under a phone-like one.
    expect(detectPii('4930901823', 'order.ref')).toEqual([]);
    expect(detectPii('4930901823', 'order.ref')).toEqual([]);
    expect(detectPii('4930901823', 'customer.phone').map((m) => m.kind)).toEqual(['phone-number']);
    expect(detectPii('4930901823', 'api.token').map((m) => m.kind)).toEqual(['secret-by-name']);
    expect(detectPii('4930901823', 'order.ref')).toEqual([]);
  });

  it('runs in linear time on 1 MB adversarial values', () => {
    const adversarial = [
      'a'.repeat(1 << 20),
      '@'.repeat(1 << 20),
      'a@'.repeat(1 << 19),
      '4'.repeat(1 << 20),
      '4 '.repeat(1 << 19),
      'eyJ'.repeat(349_525),
      'eyJaaaa.'.repeat(131_072),
      '://a:'.repeat(209_715),
      `+${'1 '.repeat(1 << 19)}`,
      'bearer '.repeat(149_796),
      'DE89 '.repeat(209_715),
      '?a=%'.repeat(262_144),
      `{${'"a":{'.repeat(100_000)}`,
      'ssn 123-45-'.repeat(95_325),
      'a=1;'.repeat(262_144),
      '%E0%A4%A'.repeat(131_072),
    ];
    for (const value of adversarial) {
      const started = performance.now();
      detectPii(value, 'customer.phone.password');
      detectPii(value, 'http.request.body');
      // A quadratic scan of 1 MB takes minutes; linear ones take milliseconds.
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
