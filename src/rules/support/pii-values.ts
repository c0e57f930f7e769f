import { ibanChecksumValid, luhn } from './checksums.js';
import { isDocumentationCredential, isFictionalPhoneNumber, isReservedDomain, isTestCardNumber, isVoidedSsn } from './placeholders.js';

/**
 * Value-shape checks: each says whether a string is (or holds) one kind of
 * personal data or credential, in linear time — bounded walks, or regular
 * expressions without nested quantifiers (the regex-safety test checks each).
 * Shapes come with their checks (Luhn, mod 97, SSN ranges, calendar dates), so
 * ids, hashes, timestamps and version numbers do not pass for personal data,
 * and values reserved for documentation (placeholders.ts) are not reported.
 */

/**
 * Values that stand for a secret without being one: empty, masked, redacted, a
 * flag, an authorization scheme alone, the Fetch API's credentials modes, or a
 * template reference (`${DB_PASSWORD}`, `{{token}}`, `<api-key>`).
 */
const STANDS_FOR_A_SECRET = /^(?:|[*x#•?.-]+|\[?redacted\]?|<redacted>|\{redacted\}|\(redacted\)|\[?filtered\]?|masked|hidden|removed|omitted|none|null|nil|undefined|n\/a|true|false|yes|no|on|off|set|unset|present|bearer|basic|digest|negotiate|include|omit|same-origin|\$\{[\w.-]*\}|\{\{[\w. -]*\}\}|<[\w -]*>)$/i;

export function standsForASecret(value: string): boolean {
  return STANDS_FOR_A_SECRET.test(value.trim()) || isDocumentationCredential(value);
}

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
const TLD = /^[A-Za-z]{2,24}$/;

/** The first e-mail address not at a reserved domain: a bounded walk out from each '@' (local part ≤ 64, domain ≤ 255). */
export function findEmail(value: string): string | undefined {
  let at = value.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(value[start - 1]!)) start--;
    let end = at + 1;
    while (end < value.length && end - at < 255 && DOMAIN_CHAR.test(value[end]!)) end++;
    while (end > at + 1 && value[end - 1] === '.') end--;
    const domain = value.slice(at + 1, end);
    const tld = domain.slice(domain.lastIndexOf('.') + 1);
    // `git@github.com:org/repo.git` is an SSH remote, not a mailbox.
    const sshRemote = value[end] === ':' && end + 1 < value.length && /[A-Za-z~/]/.test(value[end + 1]!);
    if (start < at && domain.includes('.') && TLD.test(tld) && !domain.startsWith('.') && !sshRemote && !isReservedDomain(domain)) return value.slice(start, at + 1 + domain.length);
    at = value.indexOf('@', at + 1);
  }
  return undefined;
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  const domain = email.slice(at + 1);
  return `${email[0]}***@${domain[0]}***${domain.slice(domain.lastIndexOf('.'))}`;
}

const WORD_CHAR = /[A-Za-z0-9]/;

/**
 * A card number: 13–19 digits (single spaces or dashes between groups), with
 * a network's prefix and length (Visa, Mastercard, Amex, Discover) and a valid
 * Luhn check digit; not a published test number.
 */
export function findCardNumber(value: string): string | undefined {
  let i = 0;
  while (i < value.length) {
    if (!isDigit(value, i) || (i > 0 && WORD_CHAR.test(value[i - 1]!))) {
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
    const followedByWord = j < value.length && WORD_CHAR.test(value[j]!);
    if (!followedByWord && isCardShape(digits) && luhn(digits) && !isTestCardNumber(digits)) return digits;
    i = j + 1;
  }
  return undefined;
}

function isCardShape(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19) return false;
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return n === 16;
  if (two === 34 || two === 37) return n === 15;
  if (four === 6011 || two === 65 || (Number(digits.slice(0, 3)) >= 644 && Number(digits.slice(0, 3)) <= 649)) return n >= 16 && n <= 19;
  return false;
}

const INTERNATIONAL_PHONE = /(?:^|[^\w+])(\+\d[\d ().-]{6,20}\d)/g;
const SIGNED_DECIMAL = /^\+\d+\.\d+$/;

/** An international number written with its '+' (8–15 digits), not a signed decimal, not a number reserved for fiction. */
export function findInternationalPhone(value: string): string | undefined {
  if (!value.includes('+')) return undefined;
  INTERNATIONAL_PHONE.lastIndex = 0;
  for (let match = INTERNATIONAL_PHONE.exec(value); match; match = INTERNATIONAL_PHONE.exec(value)) {
    const candidate = match[1]!;
    const digits = candidate.replace(/\D/g, '');
    if (digits.length >= 8 && digits.length <= 15 && !SIGNED_DECIMAL.test(candidate) && !isFictionalPhoneNumber(digits)) return candidate;
  }
  return undefined;
}

/** A whole value that is a phone number, as under a phone-like key: 7–15 digits with the usual separators. */
export function phoneValue(value: string): string | undefined {
  const digits = value.replace(/[\s().+-]/g, '');
  return /^\d{7,15}$/.test(digits) && !isFictionalPhoneNumber(digits) ? value.trim() : undefined;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `${phone.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`;
}

/** IBAN lengths by country (SWIFT's IBAN registry): a candidate must have its country's exact length. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27,
  DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19,
  MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};
const IBAN_START = /\b[A-Z]{2}\d{2}/g;

/**
 * An IBAN: a country code, two check digits and the country's length of
 * letters and digits (single spaces between groups allowed), passing mod 97.
 */
export function findIban(value: string): string | undefined {
  IBAN_START.lastIndex = 0;
  for (let match = IBAN_START.exec(value); match; match = IBAN_START.exec(value)) {
    const length = IBAN_LENGTHS[match[0].slice(0, 2)];
    if (length === undefined) continue;
    let compact = '';
    let j = match.index;
    while (j < value.length && compact.length < length) {
      const c = value[j]!;
      if (isUpperAlnum(c)) compact += c;
      else if (!(c === ' ' && j + 1 < value.length && isUpperAlnum(value[j + 1]!))) break;
      j++;
    }
    const endsThere = j === value.length || !WORD_CHAR.test(value[j]!);
    if (compact.length === length && endsThere && ibanChecksumValid(compact)) return compact;
  }
  return undefined;
}

function isUpperAlnum(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
}

export function maskTail(compact: string, keep = 4): string {
  return compact.length > keep * 2 ? `${'*'.repeat(compact.length - keep)}${compact.slice(-keep)}` : '*'.repeat(compact.length);
}

export function maskIban(iban: string): string {
  return `${iban.slice(0, 2)}${maskTail(iban.slice(2))}`;
}

/** A US SSN in the ranges the SSA issues: area not 000, 666 or 9xx; group not 00; serial not 0000; not a voided number. */
export function isIssuableSsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = Number(digits.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000' && !isVoidedSsn(digits);
}

const SSN_VALUE = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/;
/** In free text an SSN needs its name nearby: 3-2-4 digits are also part numbers, dates and codes. */
const SSN_IN_TEXT = /\b(?:ssn|social security(?: number| no)?)\b\D{0,20}?(\d{3})[- ](\d{2})[- ](\d{4})\b/i;

export function ssnValue(value: string): boolean {
  const match = SSN_VALUE.exec(value.trim());
  return match !== null && isIssuableSsn(match[1]! + match[2]! + match[3]!);
}

/** The digits of an SSN named as such in free text ("SSN 536-22-8816"). */
export function findSsnInText(value: string): string | undefined {
  const match = SSN_IN_TEXT.exec(value);
  const digits = match ? match[1]! + match[2]! + match[3]! : '';
  return isIssuableSsn(digits) ? digits : undefined;
}

/** A card security code: 3 or 4 digits. */
export function cardCodeValue(value: string): boolean {
  return /^\d{3,4}$/.test(value.trim());
}

const EXPIRY_MONTH_YEAR = /^(\d{1,2}) ?[/-] ?(\d{2}|20\d{2})$/;
const EXPIRY_YEAR_MONTH = /^20\d{2}-(\d{2})$/;
const EXPIRY_COMPACT = /^(\d{2})\d{2}$/;

/** A card expiry: MM/YY, MM/YYYY, YYYY-MM or MMYY; or, under a key naming only the month or year, that part. */
export function cardExpiryValue(value: string, part: 'month' | 'year' | undefined): boolean {
  const text = value.trim();
  if (part === 'month') return /^\d{1,2}$/.test(text) && isMonth(text);
  if (part === 'year') return /^(?:\d{2}|20\d{2})$/.test(text);
  const month = EXPIRY_MONTH_YEAR.exec(text)?.[1] ?? EXPIRY_YEAR_MONTH.exec(text)?.[1] ?? EXPIRY_COMPACT.exec(text)?.[1];
  return month !== undefined && isMonth(month);
}

function isMonth(text: string): boolean {
  const month = Number(text);
  return month >= 1 && month <= 12;
}

const ISO_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const DAY_FIRST_DATE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/** A calendar date between 1900 and today, as dates of birth are written (ISO, day or month first, or YYYYMMDD). */
export function birthDateValue(value: string, today = new Date()): boolean {
  const text = value.trim();
  const iso = ISO_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  if (iso) return isPastDate(Number(iso[1]), Number(iso[2]), Number(iso[3]), today);
  const other = DAY_FIRST_DATE.exec(text);
  if (!other) return false;
  const [a, b, year] = [Number(other[1]), Number(other[2]), Number(other[3])];
  return isPastDate(year, b, a, today) || isPastDate(year, a, b, today);
}

function isPastDate(year: number, month: number, day: number, today: Date): boolean {
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCDate() === day && date.getTime() <= today.getTime();
}

/** A street address: a house number and a street name (a digit, a word of letters, a space), not a URL or an e-mail. */
export function streetAddressValue(value: string): boolean {
  const text = value.trim();
  return text.length >= 5 && text.length <= 200 && /\d/.test(text) && /\p{L}{2}/u.test(text) && text.includes(' ') && !text.includes('://') && !text.includes('@');
}

/** A bank account number: 6–18 digits (spaces or dashes allowed), not one digit repeated. */
export function bankAccountValue(value: string): string | undefined {
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{6,18}$/.test(digits) && !oneCharRepeated(digits) ? digits : undefined;
}

function oneCharRepeated(text: string): boolean {
  for (let i = 1; i < text.length; i++) if (text[i] !== text[0]) return false;
  return true;
}

/** A national identifier as passports, licences and national numbers are written: 5–20 letters and digits, at least 4 of them digits. */
export function nationalIdValue(value: string): boolean {
  const compact = value.replace(/[\s-]/g, '');
  return /^[A-Za-z0-9]{5,20}$/.test(compact) && compact.replace(/\D/g, '').length >= 4;
}

const BEARER = /\bbearer\s+([A-Za-z0-9._~+/-]{8,}=*)/i;

export function findBearerToken(value: string): string | undefined {
  const token = BEARER.exec(value)?.[1];
  return token !== undefined && !standsForASecret(token) ? token : undefined;
}

const AWS_KEY = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;

/** An AWS access key id; AWS's documentation keys end in EXAMPLE. */
export function findAwsAccessKey(value: string): string | undefined {
  const key = AWS_KEY.exec(value)?.[0];
  return key !== undefined && !isDocumentationCredential(key) ? key : undefined;
}

const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

export function hasPrivateKey(value: string): boolean {
  return value.includes('-----BEGIN') && PRIVATE_KEY.test(value);
}

/** `scheme://user:password@` — a bounded look after each `://`; a masked or template password is no password. */
export function hasUrlCredentials(value: string): boolean {
  let at = value.indexOf('://');
  while (at !== -1) {
    let colon = -1;
    for (let i = at + 3; i < value.length && i < at + 260; i++) {
      const c = value[i]!;
      if (c === '@') {
        if (colon > at + 3 && i > colon + 1 && !standsForASecret(value.slice(colon + 1, i))) return true;
        break;
      }
      if (c === '/' || c === ' ' || c === '\t' || c === '\n') break;
      if (c === ':' && colon === -1) colon = i;
    }
    at = value.indexOf('://', at + 3);
  }
  return false;
}

/** `Server=…;Password=…` as ADO.NET, ODBC and JDBC write connection strings: a password part with a value. */
export function hasConnectionStringPassword(value: string): boolean {
  if (!value.includes(';') || !value.includes('=')) return false;
  let pairs = 0;
  let password = false;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    pairs++;
    const name = part.slice(0, eq).trim().toLowerCase();
    if ((name === 'password' || name === 'pwd') && !standsForASecret(part.slice(eq + 1))) password = true;
  }
  return password && pairs >= 2;
}

const BASE64URL = /[A-Za-z0-9_-]/;

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
export function findJwt(value: string): string | undefined {
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

export function maskSecret(secret: string): string {
  return `**** (${secret.length} chars)`;
}

function isDigit(value: string, i: number): boolean {
  const c = value.charCodeAt(i);
  return c >= 48 && c <= 57;
}
