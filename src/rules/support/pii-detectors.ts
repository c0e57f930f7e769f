import { memoByKey } from './key-memo.js';

/**
 * Finds personal data and secrets in strings, in linear time: every scan is a
 * bounded walk or a regular expression without nested quantifiers, and each
 * is checked against catastrophic backtracking by the regex-safety test.
 * A detection says what kind of data it is and shows it masked, never whole.
 */
export type PiiKind = 'email' | 'card-number' | 'phone-number' | 'bearer-token' | 'jwt' | 'aws-access-key' | 'private-key' | 'url-credentials' | 'secret-by-name';

export interface PiiMatch {
  kind: PiiKind;
  /** The value masked: enough to find it, never enough to use it. */
  masked: string;
  /** The part of the value that was found, as it is there (for maskPii; never to be shown). */
  text: string;
}

const SECRET_NAME = /(?:^|[._-])(?:password|passwd|pwd|secret|token|api[._-]?key|apikey|access[._-]?key|private[._-]?key|client[._-]?secret|authorization|cookie|set-cookie|session[._-]?id|credentials?)(?:$|[._-])/i;
const NOT_A_SECRET = /^(?:|\*+|x+|redacted|\[redacted\]|<redacted>|masked|none|null|true|false|bearer|basic)$/i;
const BEARER = /\bbearer\s+[A-Za-z0-9._~+/-]{8,}=*/i;
const AWS_KEY = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
const PHONE_KEY = /(?:^|[._-])(?:phone|mobile|msisdn|tel|telephone)(?:$|[._-])/i;

const kindOfKey = memoByKey((key) => ({ secret: SECRET_NAME.test(key), phone: PHONE_KEY.test(key) }));

/** Whether an attribute key names a secret (password, token, api key, authorization…). */
export function isSecretName(key: string): boolean {
  return kindOfKey(key).secret;
}

/**
 * Values repeat across millions of spans (methods, routes, hosts): short values
 * found clean are remembered, per kind of key, since a phone-like key changes
 * what counts as a phone number. Bounded (at most 2 × 20k values of 256 characters,
 * about 10 MB kept alive): cleared when full.
 */
const CLEAN_CACHE_LIMIT = 20_000;
const CLEAN_VALUE_MAX_LENGTH = 256;
const cleanValues = { plain: new Set<string>(), phoneKey: new Set<string>() };

/**
 * The value as a report may show it: every part that looks like personal data
 * or a secret replaced by its mask, the same mask the pii rule's findings show
 * (a value named like a secret, or holding a private key, is masked whole).
 * Detectors find the first match of each kind, so it looks again until nothing
 * is found; a value that still holds something after many rounds is masked whole.
 */
export function maskPii(value: string, key?: string): string {
  let shown = value;
  for (let round = 0; round < MASK_ROUNDS; round++) {
    const found = detectPii(shown, key);
    if (found.length === 0) return shown;
    const whole = found.find((match) => match.kind === 'secret-by-name' || match.kind === 'private-key');
    if (whole) return whole.masked;
    for (const match of found) shown = shown.split(match.text).join(match.masked);
  }
  const left = detectPii(shown, key);
  return left.length === 0 ? shown : `(masked: ${left.map((match) => match.kind).join(', ')})`;
}

/** Each round is one scan of the value: bounded, so a value made of thousands of addresses costs 64 scans, then is masked whole. */
const MASK_ROUNDS = 64;

/** Everything that looks like personal data or a secret in one value, with the attribute key as context. */
export function detectPii(value: string, key?: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  if (key !== undefined && isSecretName(key) && !NOT_A_SECRET.test(value.trim())) found.push({ kind: 'secret-by-name', masked: maskSecret(value), text: value });
  const clean = key !== undefined && kindOfKey(key).phone ? cleanValues.phoneKey : cleanValues.plain;
  const cacheable = value.length <= CLEAN_VALUE_MAX_LENGTH;
  if (cacheable && clean.has(value)) return found;
  const before = found.length;
  detectInValue(value, key, found);
  if (cacheable && found.length === before) {
    if (clean.size >= CLEAN_CACHE_LIMIT) clean.clear();
    clean.add(value);
  }
  return found;
}

/** The detectors that look at the value itself. */
function detectInValue(value: string, key: string | undefined, found: PiiMatch[]): void {
  const jwt = findJwt(value);
  if (jwt) found.push({ kind: 'jwt', masked: maskSecret(jwt), text: jwt });
  const bearer = BEARER.exec(value);
  if (bearer && !jwt) found.push({ kind: 'bearer-token', masked: `Bearer ${maskSecret(bearer[0].slice(7).trim())}`, text: bearer[0] });
  const aws = AWS_KEY.exec(value);
  if (aws) found.push({ kind: 'aws-access-key', masked: `${aws[0].slice(0, 4)}${'*'.repeat(12)}${aws[0].slice(-4)}`, text: aws[0] });
  if (PRIVATE_KEY.test(value)) found.push({ kind: 'private-key', masked: '-----BEGIN … PRIVATE KEY----- (redacted)', text: value });
  const urlCredentials = findUrlCredentials(value);
  if (urlCredentials) found.push({ kind: 'url-credentials', masked: URL_CREDENTIALS_MASK, text: urlCredentials });
  // `user:password@host` also looks like an address; the credentials finding already covers it.
  const email = urlCredentials ? undefined : findEmail(value);
  if (email) found.push({ kind: 'email', masked: maskEmail(email), text: email });
  const card = findCardNumber(value);
  if (card) found.push({ kind: 'card-number', masked: `****${card.digits.slice(-4)}`, text: card.text });
  const phone = findPhoneNumber(value, key);
  if (phone) found.push({ kind: 'phone-number', masked: `${phone.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, phone.replace(/\D/g, '').length - 2))}${phone.replace(/\D/g, '').slice(-2)}`, text: phone });
}

function maskSecret(secret: string): string {
  return `**** (${secret.length} chars)`;
}

function maskEmail(email: string): string {
  const at = email.indexOf('@');
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  return `${email[0]}***@${domain[0]}***${domain.slice(dot)}`;
}

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;

/** An e-mail address: a bounded walk out from each '@' (local part ≤ 64, domain ≤ 255). */
function findEmail(value: string): string | undefined {
  let at = value.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(value[start - 1]!)) start--;
    let end = at + 1;
    while (end < value.length && end - at < 255 && DOMAIN_CHAR.test(value[end]!)) end++;
    while (end > at + 1 && value[end - 1] === '.') end--;
    const domain = value.slice(at + 1, end);
    const tld = domain.slice(domain.lastIndexOf('.') + 1);
    if (start < at && domain.includes('.') && /^[A-Za-z]{2,24}$/.test(tld) && !domain.startsWith('.')) return value.slice(start, at + 1 + domain.length);
    at = value.indexOf('@', at + 1);
  }
  return undefined;
}

/** 13–19 digits (single spaces or dashes between groups allowed) with a card prefix and a valid Luhn check digit. */
function findCardNumber(value: string): { digits: string; text: string } | undefined {
  let i = 0;
  while (i < value.length) {
    if (!isDigit(value, i) || (i > 0 && /[A-Za-z0-9]/.test(value[i - 1]!))) {
      i++;
      continue;
    }
    let digits = '';
    let j = i;
    while (j < value.length && digits.length <= 19) {
      if (isDigit(value, j)) digits += value[j++];
      else if ((value[j] === ' ' || value[j] === '-') && isDigit(value, j + 1)) j++;
      else break;
    }
    const followedByWord = j < value.length && /[A-Za-z0-9]/.test(value[j]!);
    if (!followedByWord && digits.length >= 13 && digits.length <= 19 && /^(?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5))/.test(digits) && luhn(digits)) return { digits, text: value.slice(i, j) };
    i = j + 1;
  }
  return undefined;
}

/** International numbers (+ and 8–15 digits), or any 7–15 digit number under a phone-like key. */
function findPhoneNumber(value: string, key?: string): string | undefined {
  const international = /(?:^|[^\w+])(\+\d[\d ().-]{6,20}\d)/.exec(value);
  if (international) {
    const digits = international[1]!.replace(/\D/g, '');
    if (digits.length >= 8 && digits.length <= 15) return international[1];
  }
  if (key !== undefined && kindOfKey(key).phone) {
    const digits = value.replace(/[\s().+-]/g, '');
    if (/^\d{7,15}$/.test(digits)) return value.trim();
  }
  return undefined;
}

const BASE64URL = /[A-Za-z0-9_-]/;

/** The end of a run of base64url characters starting at `from`. */
function base64urlRun(value: string, from: number): number {
  let end = from;
  while (end < value.length && BASE64URL.test(value[end]!)) end++;
  return end;
}

/**
 * A JWT: three base64url segments joined by dots, the first two starting with
 * `eyJ` (base64 of '{"'). Each failed start resumes after the run it scanned,
 * so the search is linear.
 */
function findJwt(value: string): string | undefined {
  let start = value.indexOf('eyJ');
  while (start !== -1) {
    const first = base64urlRun(value, start);
    if (first - start >= 7 && value[first] === '.' && value.startsWith('eyJ', first + 1)) {
      const second = base64urlRun(value, first + 1);
      if (second - first - 1 >= 7 && value[second] === '.') {
        const third = base64urlRun(value, second + 1);
        if (third - second - 1 >= 4) return value.slice(start, third);
      }
    }
    start = value.indexOf('eyJ', Math.max(first, start + 1));
  }
  return undefined;
}

const URL_CREDENTIALS_MASK = '://****:****@';

/** `scheme://user:password@` — a bounded look after each `://`; returns `://user:password@`. */
function findUrlCredentials(value: string): string | undefined {
  let at = value.indexOf('://');
  while (at !== -1) {
    let colon = -1;
    for (let i = at + 3; i < value.length && i < at + 260; i++) {
      const c = value[i]!;
      if (c === '@') {
        const text = value.slice(at, i + 1);
        // Already masked (maskPii looks again after masking): not a new finding.
        if (colon > at + 3 && i > colon + 1 && text !== URL_CREDENTIALS_MASK) return text;
        break;
      }
      if (c === '/' || c === ' ' || c === '\t' || c === '\n') break;
      if (c === ':' && colon === -1) colon = i;
    }
    at = value.indexOf('://', at + 3);
  }
  return undefined;
}

function isDigit(value: string, i: number): boolean {
  const c = value.charCodeAt(i);
  return c >= 48 && c <= 57;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
