import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../../src/formats/read.js';
import { lint } from '../../src/lint/engine.js';

/**
 * `check` over the real-world corpus (../shared/fixtures/real-world, with
 * PROVENANCE.md): every error-level finding must be true of its file. Each is
 * listed here, with the reason it is true, and with how many spans it counts
 * where it is grouped. A new error, a missing one or another count fails.
 * Files not listed have no error-level finding.
 */
const REAL_WORLD = fileURLToPath(new URL('../../../shared/fixtures/real-world', import.meta.url));

const EXPECTED_ERRORS: Record<string, string[]> = {
  // The SDK default service.name 'unknown_service:/home/…/node' on all 218 spans; 8 SERVER 'GET' spans whose
  // parents (the callers' CLIENT spans, in another process) are not in the file, each a subtree of its own.
  'otlp-json/highlight__fs.json': ['missing-service-name ×218', ...Array<string>(8).fill('orphan-span')],
  // The same default name on its 8 spans; the SERVER entry's parent is a CLIENT span of fs.json.
  'otlp-json/highlight__nextjs.json': ['missing-service-name ×8', 'orphan-span'],
  // The resource has host and process attributes but no service.name (512 spans); 465 spans hang under one missing parent.
  'otlp-json/highlight__traces.json': ['missing-service-name ×512', 'orphan-span'],
  // The golden file is redacted: every trace, span and parent id is "xxxxx" — not hex, and one span id for three spans.
  'otlp-json/otel-go-auto__kafka-go-traces.json': ['duplicate-span-id', 'invalid-id', 'invalid-id'],
  // Parent and child swapped: the child starts 8 µs before its parent in the same resource.
  'otlp-json/otel-rust__failed_traces.json': ['child-before-parent'],
  // Four request trees under one trace id whose parent (tracetest's trigger span) is not in the file.
  'otlp-json/tracetest__trace-page-otlp-ils-v1.json': Array<string>(4).fill('orphan-span'),
  // tracetest's own trigger span has a resource with no attributes at all.
  'otlp-json/tracetest__trace-page-otlp-ils.json': ['missing-service-name'],
  // flagd's EventStream SERVER span names parent b6482e7d0a07f446, which the partial capture does not hold.
  'otlp-jsonl/otel-tui__test_data.json': ['orphan-span'],
  // The transfer-service SERVER span is missing: its CLIENT and PRODUCER children hang under parents not in the file.
  'zipkin/zipkin__messaging2.json': ['orphan-span', 'orphan-span'],
};

const files = readdirSync(REAL_WORLD, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && !entry.name.endsWith('.md') && entry.parentPath.split(path.sep).pop() !== 'probes')
  .map((entry) => path.relative(REAL_WORLD, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
  .sort();

describe('check on the real-world corpus: every error is true of its file', () => {
  it('lists only files of the corpus', () => {
    for (const file of Object.keys(EXPECTED_ERRORS)) expect(files).toContain(file);
  });

  it.each(files)('%s', async (file) => {
    const result = lint((await readTraces([path.join(REAL_WORLD, file)])).traces);
    expect(result.failures).toEqual([]);
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.ruleId}${d.count > 1 ? ` ×${d.count}` : ''}`).sort();
    expect(errors).toEqual((EXPECTED_ERRORS[file] ?? []).slice().sort());
  });

  it('the false alarms of the first run on this corpus are gone', async () => {
    const all = await Promise.all(files.map(async (file) => lint((await readTraces([path.join(REAL_WORLD, file)])).traces).diagnostics));
    const flat = all.flat();
    // Session ids read as secrets (473 errors), Zipkin parts reported twice (168), unsampled Go/Python spans (10).
    expect(flat.filter((d) => d.ruleId === 'pii')).toEqual([]);
    expect(flat.filter((d) => d.ruleId === 'implausible-timestamp' || d.ruleId === 'unsampled-span-recorded' || d.ruleId === 'sampling-flag-mismatch')).toEqual([]);
    expect(flat.filter((d) => d.ruleId === 'duplicate-span-id' && d.severity === 'error').map((d) => d.data.spanId)).toEqual(['xxxxx']);
    // And nothing is said twice in a file: no two diagnostics with one fingerprint.
    for (const diagnostics of all) expect(new Set(diagnostics.map((d) => d.fingerprint)).size).toBe(diagnostics.length);
  });
});
