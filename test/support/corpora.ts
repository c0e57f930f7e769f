import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { decodeText } from '../../src/formats/read.js';
import type { Span } from '../../src/model/span.js';

/** The repository's root, and the corpora of real and SDK-made exports tests read. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CORPORA = ['../shared/fixtures/external', '../shared/fixtures/real-world', 'fixtures'].map((dir) => path.join(ROOT, dir));

/** The JSON trace files under a corpus directory (not the hostile probes). */
export function traceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile() && /\.(json|jsonl|ndjson)(\.gz)?$/.test(file) && !file.includes('probes'));
}

/** A file's spans as the decoders make them; undefined for a file that is not a trace export (a bad-input fixture). */
export function decodedFile(file: string): Span[] | undefined {
  const bytes = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  try {
    return decodeText(text, file).spans;
  } catch {
    return undefined;
  }
}
