import type { Resource } from '../model/span.js';

/**
 * Whether an OTLP span's `flags` tell its sampled bit. Bits 0–7 of OTLP's
 * `flags` are the W3C trace flags and bits 8–9 say whether the parent was
 * remote (opentelemetry-proto, SpanFlags). Some SDKs fill only bits 8–9: the
 * Python SDK (opentelemetry-python#4666, open) and the Go SDK before v1.39.0
 * (opentelemetry-go#7438), so their spans carry 256 or 768 whether sampled or
 * not. And an exporter behind the SDK's batch or simple processor exports
 * sampled spans only. So:
 *
 * - flags absent or 0: unknown (proto3's "not set");
 * - any of bits 0–7 set: the byte was filled, bit 0 is the answer;
 * - bits 0–7 all zero with bits 8–9 set: "not sampled" only from an SDK known
 *   to fill the byte (the JavaScript and Java SDKs, Go from v1.39.0, as its
 *   resource's telemetry.sdk.* says); from any other producer, unknown.
 */
export function sampledFromOtlpFlags(flags: number | undefined, fillsTraceFlags: boolean): boolean | undefined {
  if (flags === undefined || flags === 0) return undefined;
  if ((flags & 0xff) !== 0) return (flags & 1) === 1;
  return fillsTraceFlags ? false : undefined;
}

/** Whether the SDK named by a resource writes the W3C trace flags into bits 0–7 of OTLP's `flags`. */
export function sdkFillsTraceFlags(resource: Resource): boolean {
  const language = resource.attributes['telemetry.sdk.language'];
  const version = resource.attributes['telemetry.sdk.version'];
  if (language === 'nodejs' || language === 'webjs' || language === 'java') return true;
  if (language === 'go' && typeof version === 'string') return atLeast(version, [1, 39, 0]);
  return false;
}

/** A semantic version (leading `v` allowed) compared with `minimum`; false when it does not parse. */
function atLeast(version: string, minimum: readonly number[]): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return false;
  const parts = match.slice(1, 4).map(Number);
  for (let i = 0; i < 3; i++) if (parts[i] !== minimum[i]) return parts[i]! > minimum[i]!;
  return true;
}
