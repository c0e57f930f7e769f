import { decodeComponent, jsonLeaves, jwtClaims, parseJsonValue, queryStrings } from './encoded-values.js';
import { kindOfKey, type KeyKind } from './pii-keys.js';
import {
  bankAccountValue,
  birthDateValue,
  cardCodeValue,
  cardExpiryValue,
  findAwsAccessKey,
  findBearerToken,
  findCardNumber,
  findEmail,
  findIban,
  findInternationalPhone,
  findJwt,
  findSsnInText,
  hasConnectionStringPassword,
  hasPrivateKey,
  hasUrlCredentials,
  maskEmail,
  maskIban,
  maskPhone,
  maskSecret,
  maskTail,
  nationalIdValue,
  phoneValue,
  ssnValue,
  standsForASecret,
  streetAddressValue,
} from './pii-values.js';

export { luhn } from './checksums.js';

/**
 * Finds personal data and secrets in one string, judged with its key: what
 * the key names (a phone, a card code, a date of birth, a password …) and what
 * the value looks like (an e-mail address, a Luhn-valid card number, an IBAN,
 * a JWT …). Values that encode others — query strings, form bodies, JSON, JWT
 * payloads — are decoded and each part judged by its own name. A detection
 * says what kind of data it is and shows it masked, never whole.
 */
export type PiiKind =
  | 'email'
  | 'card-number'
  | 'card-security-code'
  | 'card-expiry'
  | 'iban'
  | 'bank-account'
  | 'ssn'
  | 'national-id'
  | 'date-of-birth'
  | 'street-address'
  | 'phone-number'
  | 'bearer-token'
  | 'jwt'
  | 'aws-access-key'
  | 'private-key'
  | 'url-credentials'
  | 'connection-string-password'
  | 'secret-by-name';

export interface PiiMatch {
  kind: PiiKind;
  /** The value masked: enough to find it, never enough to use it. */
  masked: string;
  /** Where inside the value, when it was found in an encoded part: "parameter 'email'", "JSON field 'user.phone'". */
  part?: string;
  /** For a JWT: the kinds of personal data its payload carries (its claims, judged as JSON fields). */
  payload?: PiiKind[];
  /**
   * What was found, unmasked, so a caller can tell the same value seen under two keys
   * (an exception's message and its stack trace) from two values. Never to be reported.
   */
  evidence: string;
}

/** What each kind is called in a message. */
export const PII_KIND_LABELS: Record<PiiKind, string> = {
  email: 'e-mail address',
  'card-number': 'card number',
  'card-security-code': 'card security code (CVV/CVC)',
  'card-expiry': 'card expiry date',
  iban: 'IBAN',
  'bank-account': 'bank account number',
  ssn: 'US social security number',
  'national-id': 'national identifier',
  'date-of-birth': 'date of birth',
  'street-address': 'street address',
  'phone-number': 'phone number',
  'bearer-token': 'bearer token',
  jwt: 'JWT',
  'aws-access-key': 'AWS access key',
  'private-key': 'private key',
  'url-credentials': 'password in a URL',
  'connection-string-password': 'password in a connection string',
  'secret-by-name': 'secret (named so by its key)',
};

/** Kinds that are credentials: where one is found, the key naming a secret adds nothing. */
const CREDENTIAL_KINDS = new Set<PiiKind>(['bearer-token', 'jwt', 'aws-access-key', 'private-key', 'url-credentials', 'connection-string-password', 'secret-by-name']);

/** How deep encodings are followed (a JSON field holding a URL whose query holds JSON …). */
const MAX_DEPTH = 3;

const PLAIN_KEY = kindOfKey('');

/**
 * Values repeat across millions of spans (methods, routes, hosts): short
 * attribute values found clean are remembered, per kind of key, since the key
 * changes what a value is (a bare number is a phone number under
 * `customer.phone`). Parts of encoded values are not: they are new strings
 * each time, and looking one up costs about what judging it does. Bounded: at
 * most 40k values of 256 characters in all (about 20 MB kept alive), all
 * forgotten when full.
 */
const CLEAN_CACHE_LIMIT = 40_000;
const CLEAN_VALUE_MAX_LENGTH = 256;
const cleanValues = new Map<number, Set<string>>();
let cleanCount = 0;

function isKnownClean(id: number, value: string): boolean {
  return value.length <= CLEAN_VALUE_MAX_LENGTH && cleanValues.get(id)?.has(value) === true;
}

function rememberClean(id: number, value: string): void {
  if (value.length > CLEAN_VALUE_MAX_LENGTH) return;
  if (cleanCount >= CLEAN_CACHE_LIMIT) {
    cleanValues.clear();
    cleanCount = 0;
  }
  let clean = cleanValues.get(id);
  if (!clean) cleanValues.set(id, (clean = new Set()));
  clean.add(value);
  cleanCount++;
}

/** Whether an attribute key names a secret (password, token, api key, authorization …). */
export function isSecretName(key: string): boolean {
  return kindOfKey(key).secret;
}

/** Everything that looks like personal data or a secret in one value, with the attribute key as context. */
export function detectPii(value: string, key?: string): PiiMatch[] {
  const kind = key === undefined ? PLAIN_KEY : kindOfKey(key);
  if (kind.infrastructure || isKnownClean(kind.id, value)) return NOTHING;
  const found: PiiMatch[] = [];
  scan(value, kind, undefined, 0, found);
  if (found.length > 0) return found;
  rememberClean(kind.id, value);
  return NOTHING;
}

const NOTHING: PiiMatch[] = Object.freeze([]) as unknown as PiiMatch[];

/** One value at one level: what its key names, its encoded parts, then its own shape. */
function scan(value: string, key: KeyKind, part: string | undefined, depth: number, found: PiiMatch[]): void {
  const from = found.length;
  if (key.personal) detectByKey(value, key, part, found);
  let rest = value;
  if (depth < MAX_DEPTH) {
    const json = parseJsonValue(value);
    if (json !== undefined) {
      for (const leaf of jsonLeaves(json)) scanPart(leaf.name, leaf.value, part, `JSON field '${clipName(leaf.name)}'`, depth, found);
      rest = '';
    } else {
      const queries = queryStrings(value);
      for (const query of queries) for (const param of query.params) scanPart(param.name, param.value, part, `parameter '${clipName(param.name)}'`, depth, found);
      // The rest of the value (the URL before its query, the message around it) is judged as it is.
      if (queries.length > 0) rest = cutOut(value, queries);
    }
  }
  if (rest) detectByShape(rest, key, part, depth, found);
  if (key.secret && !standsForASecret(value) && !found.slice(from).some((match) => CREDENTIAL_KINDS.has(match.kind))) {
    found.splice(from, 0, { kind: 'secret-by-name', masked: maskSecret(value), evidence: value, ...(part !== undefined ? { part } : {}) });
  }
}

/** A named part of an encoded value (a parameter, a JSON field), judged by its own name. */
function scanPart(name: string, value: string, outer: string | undefined, label: string, depth: number, found: PiiMatch[]): void {
  const key = kindOfKey(name);
  if (!key.infrastructure) scan(value, key, outer !== undefined ? `${outer}, ${label}` : label, depth + 1, found);
}

function add(found: PiiMatch[], part: string | undefined, kind: PiiKind, masked: string, evidence: string, payload?: PiiKind[]): void {
  const match: PiiMatch = { kind, masked, evidence };
  if (part !== undefined) match.part = part;
  if (payload !== undefined && payload.length > 0) match.payload = payload;
  found.push(match);
}

/** What the key says the value is, confirmed by the value's shape. */
function detectByKey(value: string, key: KeyKind, part: string | undefined, found: PiiMatch[]): void {
  const text = value.trim();
  if (key.cardCode && cardCodeValue(text)) add(found, part, 'card-security-code', '***', text);
  if (key.cardExpiry && cardExpiryValue(text, key.cardExpiryPart)) add(found, part, 'card-expiry', '**/**', text);
  if (key.ssn && ssnValue(text)) add(found, part, 'ssn', '***-**-****', text.replace(/\D/g, ''));
  if (key.nationalId && nationalIdValue(text)) add(found, part, 'national-id', maskSecret(text), text);
  if (key.birthDate && birthDateValue(text)) add(found, part, 'date-of-birth', '****-**-**', text);
  if (key.streetAddress && streetAddressValue(text)) add(found, part, 'street-address', maskSecret(text), text);
  const account = key.bankAccount ? bankAccountValue(text) : undefined;
  if (account !== undefined) add(found, part, 'bank-account', maskTail(account), account);
  const phone = key.phone ? phoneValue(text) : undefined;
  if (phone !== undefined) add(found, part, 'phone-number', maskPhone(phone), phone.replace(/\D/g, ''));
}

/** What the value looks like, whatever its key. */
function detectByShape(raw: string, key: KeyKind, part: string | undefined, depth: number, found: PiiMatch[]): void {
  // `jane%40corp.example`: percent-encoded text is judged decoded.
  const value = raw.includes('%') ? decodeComponent(raw, false) : raw;
  // One pass over the characters says which detectors can match at all: most values are skipped by most.
  let digits = 0;
  let upper = 0;
  let at = false;
  let plus = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c === 64) at = true;
    else if (c === 43) plus = true;
  }
  const jwt = findJwt(value);
  if (jwt) add(found, part, 'jwt', maskSecret(jwt), jwt, depth < MAX_DEPTH ? payloadKinds(jwt, depth) : undefined);
  const bearer = jwt || value.length < 15 ? undefined : findBearerToken(value);
  if (bearer) add(found, part, 'bearer-token', `Bearer ${maskSecret(bearer)}`, bearer);
  const aws = upper >= 4 && digits + upper >= 20 ? findAwsAccessKey(value) : undefined;
  if (aws) add(found, part, 'aws-access-key', `${aws.slice(0, 4)}${'*'.repeat(12)}${aws.slice(-4)}`, aws);
  if (hasPrivateKey(value)) add(found, part, 'private-key', '-----BEGIN … PRIVATE KEY----- (redacted)', value);
  const urlCredentials = hasUrlCredentials(value);
  if (urlCredentials) add(found, part, 'url-credentials', '://****:****@', value);
  if (hasConnectionStringPassword(value)) add(found, part, 'connection-string-password', 'Password=****', value);
  // `user:password@host` also looks like an address; the credentials finding already covers it.
  const email = urlCredentials || !at ? undefined : findEmail(value);
  if (email) add(found, part, 'email', maskEmail(email), email.toLowerCase());
  // A bare run of digits under a key naming an id, count or time is that (decimal span ids, epoch times).
  const bareNumber = key.numeric && digits === value.trim().length;
  const card = bareNumber || digits < 13 ? undefined : findCardNumber(value);
  if (card) add(found, part, 'card-number', `****${card.slice(-4)}`, card);
  const iban = upper >= 2 && digits >= 2 && value.length >= 15 ? findIban(value) : undefined;
  if (iban) add(found, part, 'iban', maskIban(iban), iban);
  const ssn = key.ssn || digits < 9 ? undefined : findSsnInText(value);
  if (ssn) add(found, part, 'ssn', '***-**-****', ssn);
  const phone = key.phone || bareNumber || !plus || digits < 8 ? undefined : findInternationalPhone(value);
  if (phone) add(found, part, 'phone-number', maskPhone(phone), phone.replace(/\D/g, ''));
}

/** The kinds of personal data among a JWT's claims (email, phone_number, a `sub` that is an e-mail address …). */
function payloadKinds(jwt: string, depth: number): PiiKind[] {
  const claims = jwtClaims(jwt);
  if (claims === undefined) return [];
  const inside: PiiMatch[] = [];
  for (const leaf of jsonLeaves(claims)) {
    const kind = kindOfKey(leaf.name);
    if (!kind.infrastructure) scan(leaf.value, kind, undefined, depth + 1, inside);
  }
  return [...new Set(inside.map((match) => match.kind).filter((kind) => !CREDENTIAL_KINDS.has(kind)))].sort();
}

/** The value with its query strings blanked out. */
function cutOut(value: string, queries: Array<{ start: number; end: number }>): string {
  let rest = '';
  let from = 0;
  for (const query of queries) {
    rest += `${value.slice(from, query.start)} `;
    from = query.end;
  }
  return rest + value.slice(from);
}

function clipName(name: string): string {
  return name.length > 60 ? `${name.slice(0, 59)}…` : name;
}
