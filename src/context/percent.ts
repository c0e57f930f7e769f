/**
 * Percent-decoding (RFC 3986 §2.1) without exceptions: `decodeURIComponent`
 * throws URIError on a malformed escape or bytes that are not UTF-8, and a
 * header parser must return problems instead. Each decoded unit remembers the
 * offset of the characters it came from, so a problem found after decoding
 * points at what was sent.
 */
export type PercentDecoded =
  | { ok: true; /** Each %XX as the code unit XX (0-255), every other character as it was. */ units: string; /** Offset in the text of each unit. */ origins: number[] }
  | { ok: false; /** Offset of the first '%' not followed by two hex digits. */ badEscape: number };

export function percentDecode(text: string, start = 0, end = text.length): PercentDecoded {
  let units = '';
  const origins: number[] = [];
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) !== 0x25 /* % */) {
      units += text[i];
      origins.push(i);
      continue;
    }
    const high = hexValue(i + 1 < end ? text.charCodeAt(i + 1) : -1);
    const low = hexValue(i + 2 < end ? text.charCodeAt(i + 2) : -1);
    if (high < 0 || low < 0) return { ok: false, badEscape: i };
    units += String.fromCharCode(high * 16 + low);
    origins.push(i);
    i += 2;
  }
  return { ok: true, units, origins };
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * Bytes (given as code units 0-255) decoded as UTF-8, with every sequence that
 * is not UTF-8 replaced by U+FFFD (the WHATWG decoder's maximal subparts), and
 * the index of the first such sequence (-1 when there is none).
 */
export function decodeUtf8Replacing(bytes: string): { text: string; firstInvalid: number } {
  const buffer = Buffer.from(bytes, 'latin1');
  return { text: new TextDecoder('utf-8').decode(buffer), firstInvalid: firstInvalidUtf8(buffer) };
}

/** Index of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629 §4), or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const continuation = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (continuation === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k <= continuation; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += continuation + 1;
  }
  return -1;
}
