import { defineRule } from '../lint/types.js';
import type { Attributes, AttributeValue, Resource, Span } from '../model/span.js';
import { serviceOf } from '../model/span.js';
import { clip } from './support/describe.js';
import { detectPii, PII_KIND_LABELS, type PiiMatch } from './support/pii-detectors.js';
import { kindOfKey } from './support/pii-keys.js';

export const pii = defineRule({
  id: 'pii',
  category: 'hygiene',
  defaultSeverity: 'error',
  summary: 'Personal data or secrets in span names, status messages, attributes, event attributes or resources',
  docs: {
    why: [
      'Traces are stored for weeks, copied to vendors and read by many people; personal data and credentials in them are a data-protection incident and a credential leak.',
      'Found by value: e-mail addresses, card numbers (network prefix and length, Luhn check), IBANs (country length, mod-97 check), phone numbers written with their country code, JWTs, bearer tokens, AWS access keys, private keys, passwords in URLs and connection strings, and US social security numbers named as such in text.',
      'Found by key, when the value has the shape the key names: card security codes and expiry dates, bank account numbers, social security and other national numbers (passport, driving licence), dates of birth, street addresses, phone numbers, and secrets — keys naming a credential (password, token, API key, client secret, cookie, authorization), not identifiers: `session.id` and other session ids are correlation ids, not credentials.',
      'Values that encode others are decoded and each part judged by its own name: query strings and form bodies (percent-decoded), JSON, and the claims of a JWT\'s payload. Status messages and exception events are read like attributes. Semantic-convention infrastructure (`server.address`, `client.address`, `network.*`, `host.*`, `url.domain`, `user_agent.original` …) is never judged: host names and IPs there are what the conventions ask for.',
      'What is reserved for documentation and tests belongs to nobody and is not reported: addresses at example.com/.org/.net and the .example, .test, .invalid and .localhost names (RFC 2606, RFC 6761), the fictional phone numbers (NANP 555-0100 to 555-0199, Ofcom\'s drama ranges), the card numbers networks and processors publish for testing (4111 1111 1111 1111, 4242 4242 4242 4242 …), SSNs outside the issued ranges or voided, and AWS\'s example keys. In CI this means test data at those values passes; to catch an attribute that would record personal data in production, give the test users data that is not reserved.',
      'One problem is one finding: the same kind of value under the same key in the spans of one service is reported once, with the number of spans; the masked value shown is the first one seen. One value under several keys of a span (an exception\'s message and its stack trace) is one finding naming each key. Findings never show the value itself.',
    ].join('\n\n'),
    fix: 'Stop recording the value at the source (instrumentation options to skip headers and bodies, or a SpanProcessor that scrubs attributes), and scrub in the Collector (the redaction, attributes or transform processors) as a second line. Rotate any secret that was exported.',
    references: ['https://opentelemetry.io/docs/security/handling-sensitive-data/', 'https://www.rfc-editor.org/rfc/rfc2606', 'https://www.rfc-editor.org/rfc/rfc6761'],
  },
  options: {
    allowKeys: { type: 'string[]', default: [], description: 'attribute keys never reported (e.g. a user.email you record on purpose)' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    const allowed = new Set(options.allowKeys);
    // A resource is shared by the spans of a service: judged once per trace, reported on each of its spans.
    const resourceFindings = new Map<Resource, Found[]>();
    // One scanner and one list per trace, not per span: this runs over every string of every span.
    const found: Found[] = [];
    let into = found;
    const scan = (where: string, key: string | undefined, value: string): void => {
      if (key !== undefined && allowed.has(key)) return;
      for (const match of detectPii(value, key)) into.push({ where, key, match });
    };
    for (const span of trace!.spans) {
      let fromResource = resourceFindings.get(span.resource);
      if (fromResource === undefined) {
        into = fromResource = [];
        scanAttributes(span.resource.attributes, 'resource attribute', scan);
        resourceFindings.set(span.resource, fromResource);
        into = found;
      }
      found.length = 0;
      scan('span name', undefined, span.name);
      if (span.status.message) scan('status message', undefined, span.status.message);
      scanAttributes(span.attributes, 'attribute', scan);
      for (const event of span.events) scanAttributes(event.attributes, `event '${clip(event.name, 40)}' attribute`, scan);
      for (const link of span.links) scanAttributes(link.attributes, 'link attribute', scan);
      if (fromResource.length > 0) found.push(...fromResource);
      if (found.length > 0) reportFound(span, found, report);
    }
  },
});

interface Found {
  where: string;
  key: string | undefined;
  match: PiiMatch;
}

type Report = (finding: { span: Span; key: string; group: string; message: string; data: Record<string, string | string[] | null> }) => void;

/**
 * One finding per value and the places it sits in (an exception's message and
 * its stack trace, http.url and http.target: one leak, every key named), and
 * per kind of value under those keys in the spans of a service: the engine
 * groups the findings and counts the spans. A span reports a group once,
 * however many values of it the span holds.
 */
function reportFound(span: Span, found: Found[], report: Report): void {
  const byValue = new Map<string, { match: PiiMatch; places: Found[] }>();
  for (const entry of found) {
    const id = `${entry.match.kind}\u0000${entry.match.evidence}`;
    const same = byValue.get(id);
    if (!same) byValue.set(id, { match: entry.match, places: [entry] });
    else if (!same.places.some((place) => place.where === entry.where && place.key === entry.key && place.match.part === entry.match.part)) same.places.push(entry);
  }
  const reported = new Set<string>();
  for (const { match, places } of byValue.values()) {
    const payload = match.payload ?? [];
    const group = [...places.map((place) => [place.where, place.key ?? '', place.match.part ?? ''].join('\u0000')), match.kind, payload.join(',')].join('\u0001');
    if (reported.has(group)) continue;
    reported.add(group);
    const carrying = payload.length > 0 ? ` (its payload holds: ${payload.map((kind) => PII_KIND_LABELS[kind]).join(', ')})` : '';
    const first = places[0]!;
    report({
      span,
      key: group,
      group,
      message: `${PII_KIND_LABELS[match.kind]}${carrying} in ${describePlaces(places)} (spans of '${clip(serviceOf(span))}'; first value ${match.masked})`,
      data: { kind: match.kind, where: first.where, key: first.key ?? null, keys: places.flatMap((place) => (place.key !== undefined ? [place.key] : [])), part: first.match.part ?? null, masked: match.masked, payload },
    });
  }
}

/** "attribute 'user.email'", "attributes 'http.url' and 'http.target' (parameter 'email')", "status message and event 'exception' attribute 'exception.message'". */
function describePlaces(places: Found[]): string {
  const byWhere = new Map<string, string[]>();
  for (const place of places) {
    const named = place.key !== undefined ? `'${clip(place.key, 60)}'${place.match.part !== undefined ? ` (${place.match.part})` : ''}` : '';
    byWhere.set(place.where, [...(byWhere.get(place.where) ?? []), named]);
  }
  return [...byWhere]
    .map(([where, keys]) => (keys[0] === '' ? where : `${where}${keys.length > 1 ? 's' : ''} ${keys.join(' and ')}`))
    .join(' and ');
}

type Scan = (where: string, key: string, value: string) => void;

const MAX_NESTING = 4;

/**
 * Each string of each attribute: the value itself, those in an array, and
 * those in a kvlist (named `outer.inner`); numbers too where the key names
 * personal data (a phone number or card code recorded as an integer).
 */
function scanAttributes(attributes: Attributes, where: string, scan: Scan, prefix = '', depth = 0): void {
  for (const name in attributes) {
    const value = attributes[name]!;
    // Strings first and without detours: nearly every value is one.
    if (typeof value === 'string') scan(where, prefix ? prefix + name : name, value);
    else if (typeof value === 'object' && value !== null) {
      const key = prefix + name;
      if (Array.isArray(value)) for (const item of value) scanOther(item, key, where, scan, depth);
      else scanOther(value, key, where, scan, depth);
    } else if (typeof value === 'number' || typeof value === 'bigint') scanNumber(value, prefix + name, where, scan);
  }
}

function scanOther(value: AttributeValue, key: string, where: string, scan: Scan, depth: number): void {
  if (typeof value === 'string') scan(where, key, value);
  else if (typeof value === 'number' || typeof value === 'bigint') scanNumber(value, key, where, scan);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) && depth < MAX_NESTING) {
    scanAttributes(value, where, scan, `${key}.`, depth + 1);
  }
}

function scanNumber(value: number | bigint, key: string, where: string, scan: Scan): void {
  if (kindOfKey(key).personal) scan(where, key, String(value));
}
