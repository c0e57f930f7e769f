/**
 * Values reserved for documentation and tests, which by their definition
 * belong to nobody: a finding claims personal data, and these are not.
 */

/** RFC 2606 / RFC 6761 names: example.com/.org/.net (and their subdomains), and the TLDs .example, .test, .invalid, .localhost. */
export function isReservedDomain(domain: string): boolean {
  const lower = domain.toLowerCase();
  for (const reserved of ['example.com', 'example.org', 'example.net']) {
    if (lower === reserved || lower.endsWith(`.${reserved}`)) return true;
  }
  const tld = lower.slice(lower.lastIndexOf('.') + 1);
  return tld === 'example' || tld === 'test' || tld === 'invalid' || tld === 'localhost';
}

/**
 * Phone numbers set aside for fiction: NANP 555-0100 to 555-0199 (the only 555
 * numbers reserved so; others can be assigned), and Ofcom's drama ranges for
 * UK mobiles (07700 900xxx), the fictional area 01632 960xxx, London
 * (020 7946 0xxx) and the large cities (01xx 496 0xxx). `digits` has no separators.
 */
export function isFictionalPhoneNumber(digits: string): boolean {
  const nanp = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
  if (nanp.length === 10 && nanp.slice(3, 8) === '55501') return true;
  if (nanp.length === 7 && nanp.startsWith('55501')) return true;
  const uk = digits.startsWith('44') ? `0${digits.slice(2)}` : digits;
  if (uk.length !== 11) return false;
  if (uk.startsWith('07700900') || uk.startsWith('01632960') || uk.startsWith('02079460')) return true;
  return UK_DRAMA_CITIES.has(uk.slice(0, 4)) && uk.slice(4, 8) === '4960';
}

const UK_DRAMA_CITIES = new Set(['0113', '0114', '0115', '0116', '0117', '0118', '0121', '0131', '0141', '0151', '0161']);

/** Card numbers that card networks and payment processors publish for testing (Visa, Mastercard, Amex, Discover; Stripe, Adyen, PayPal docs). */
const TEST_CARD_NUMBERS = new Set([
  '4111111111111111',
  '4242424242424242',
  '4000056655665556',
  '4012888888881881',
  '4222222222222',
  '5555555555554444',
  '5105105105105100',
  '5200828282828210',
  '2223003122003222',
  '378282246310005',
  '371449635398431',
  '378734493671000',
  '6011111111111117',
  '6011000990139424',
]);

export function isTestCardNumber(digits: string): boolean {
  return TEST_CARD_NUMBERS.has(digits);
}

/** AWS's documentation credentials (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY): their names say so. */
export function isDocumentationCredential(value: string): boolean {
  const text = value.trim();
  return text.length >= 16 && (text.endsWith('EXAMPLE') || text.endsWith('EXAMPLEKEY'));
}

/** US SSNs the SSA voided after they were printed in advertising (the Woolworth wallet card, an SSA pamphlet). */
export function isVoidedSsn(digits: string): boolean {
  return digits === '078051120' || digits === '219099999';
}
