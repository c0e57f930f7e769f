import { decodeComponent, forEachParam, jsonLeaves, jwtClaims, mayEncode, paramValue, parseJsonValue, queryStrings, tryDecode } from './encoded-values.js';
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
  const json = depth < MAX_DEPTH ? parseJsonValue(value) : undefined;
  const queries = depth < MAX_DEPTH && json === undefined ? queryStrings(value) : [];
  let rest = value;
  if (json === undefined && queries.length === 0) {
    // What the key names is judged on a plain value; an encoded one is judged part by part.
    if (key.personal) detectByKey(value, key, part, found);
  } else {
    // Parts are judged one by one only where that can find something: a part whose name
    // says what it holds, a part that encodes others, or any part when the whole value
    // has the makings of a shape (an '@', enough digits, 'eyJ' …). Most URLs have none.
    const decoded = json !== undefined ? (value.includes('\\u') ? undefined : value) : value.includes('%') ? tryDecode(value) : value;
    const shapes = decoded === undefined || shapeGates(decoded) !== 0;
    const judge = (name: string, label: string, text: () => string, encodes: boolean): void => {
      const inner = kindOfKey(name);
      if (!inner.infrastructure && (shapes || inner.secret || inner.personal || encodes)) {
        scan(text(), inner, `${part !== undefined ? `${part}, ` : ''}${label} '${clipName(name)}'`, depth + 1, found);
      }
    };
    if (json !== undefined) for (const leaf of jsonLeaves(json)) judge(leaf.name, 'JSON field', () => leaf.value, mayEncode(leaf.value));
    else for (const query of queries) forEachParam(value, query, (name, from, to) => judge(name, 'parameter', () => paramValue(value, from, to), mayEncode(value, from, to)));
    // The rest of a value with query strings (the URL before them, the message around them) is judged as it is.
    rest = json !== undefined || !shapes ? '' : cutOut(value, queries);
  }
  if (rest) detectByShape(rest, key, part, depth, found);
  if (key.secret && !standsForASecret(value) && !found.slice(from).some((match) => CREDENTIAL_KINDS.has(match.kind))) {
    found.splice(from, 0, { kind: 'secret-by-name', masked: maskSecret(value), evidence: value, ...(part !== undefined ? { part } : {}) });
  }
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
  const gates = shapeGates(value);
  if (gates === 0) return;
  const jwt = gates & JWT ? findJwt(value) : undefined;
  if (jwt) add(found, part, 'jwt', maskSecret(jwt), jwt, depth < MAX_DEPTH ? payloadKinds(jwt, depth) : undefined);
  const bearer = jwt || !(gates & BEARER) ? undefined : findBearerToken(value);
  if (bearer) add(found, part, 'bearer-token', `Bearer ${maskSecret(bearer)}`, bearer);
  const aws = gates & AWS ? findAwsAccessKey(value) : undefined;
  if (aws) add(found, part, 'aws-access-key', `${aws.slice(0, 4)}${'*'.repeat(12)}${aws.slice(-4)}`, aws);
  if (gates & PRIVATE_KEY && hasPrivateKey(value)) add(found, part, 'private-key', '-----BEGIN … PRIVATE KEY----- (redacted)', value);
  const urlCredentials = (gates & URL_CREDENTIALS) !== 0 && hasUrlCredentials(value);
  if (urlCredentials) add(found, part, 'url-credentials', '://****:****@', value);
  if (gates & CONNECTION_STRING && hasConnectionStringPassword(value)) add(found, part, 'connection-string-password', 'Password=****', value);
  // `user:password@host` also looks like an address; the credentials finding already covers it.
  const email = urlCredentials || !(gates & EMAIL) ? undefined : findEmail(value);
  if (email) add(found, part, 'email', maskEmail(email), email.toLowerCase());
  // A bare run of digits under a key naming an id, count or time is that (decimal span ids, epoch times).
  const bareNumber = key.numeric && /^\d+$/.test(value.trim());
  const card = bareNumber || !(gates & CARD) ? undefined : findCardNumber(value);
  if (card) add(found, part, 'card-number', `****${card.slice(-4)}`, card);
  const iban = gates & IBAN ? findIban(value) : undefined;
  if (iban) add(found, part, 'iban', maskIban(iban), iban);
  const ssn = key.ssn || !(gates & SSN) ? undefined : findSsnInText(value);
  if (ssn) add(found, part, 'ssn', '***-**-****', ssn);
  const phone = key.phone || bareNumber || !(gates & PHONE) ? undefined : findInternationalPhone(value);
  if (phone) add(found, part, 'phone-number', maskPhone(phone), phone.replace(/\D/g, ''));
}

const JWT = 1;
const BEARER = 2;
const AWS = 4;
const PRIVATE_KEY = 8;
const URL_CREDENTIALS = 16;
const CONNECTION_STRING = 32;
const EMAIL = 64;
const CARD = 128;
const IBAN = 256;
const SSN = 512;
const PHONE = 1024;

/**
 * Which shape detectors can match at all, from one pass over the characters
 * and a few substring checks: each bit is a condition its detector needs (an
 * '@' for an e-mail address, 13 digits for a card number …), so a value with
 * no bit set holds none of those shapes. Most values have none.
 */
function shapeGates(value: string): number {
  let digits = 0;
  let upper = 0;
  let at = false;
  let plus = false;
  let semicolon = false;
  let dash = false;
  // The longest run of digits with single spaces or dashes between them, as cards and SSNs are written.
  let run = 0;
  let longest = 0;
  let continues = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      run = continues ? run + 1 : 1;
      if (run > longest) longest = run;
      continues = true;
      continue;
    }
    continues = (c === 32 || c === 45) && continues && i > 0 && value.charCodeAt(i - 1) >= 48 && value.charCodeAt(i - 1) <= 57;
    if (c >= 65 && c <= 90) upper++;
    else if (c === 64) at = true;
    else if (c === 43) plus = true;
    else if (c === 59) semicolon = true;
    else if (c === 45) dash = true;
  }
  let gates = 0;
  if (value.length >= 20 && upper > 0 && value.includes('eyJ')) gates |= JWT;
  if (value.length >= 15 && (value.includes('earer') || value.includes('EARER'))) gates |= BEARER;
  if (upper >= 4 && digits + upper >= 20) gates |= AWS;
  if (dash && value.includes('-----BEGIN')) gates |= PRIVATE_KEY;
  if (at) gates |= EMAIL | URL_CREDENTIALS;
  if (semicolon && value.includes('=')) gates |= CONNECTION_STRING;
  if (longest >= 13) gates |= CARD;
  if (upper >= 2 && digits >= 2 && value.length >= 15) gates |= IBAN;
  if (longest >= 9) gates |= SSN;
  if (plus && digits >= 8) gates |= PHONE;
  return gates;
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
