import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/formats/read.js';
import { lint } from '../../src/lint/engine.js';
import { resolveConfig } from '../../src/lint/config.js';
import { TraceSet } from '../../src/model/trace.js';
import { RULES } from '../../src/rules/index.js';
import { ms, sdkSystem, SpanKind, toOtlpJson } from '../support/sdk.js';

/** One OTLP/JSON request: a span per entry, each with its flags and its resource's telemetry.sdk.* attributes. */
function request(spans: Array<{ flags?: number; sdk?: [language: string, version: string]; id: string; parent?: string; service?: string }>): string {
  return JSON.stringify({
    resourceSpans: spans.map(({ flags, sdk, id, parent, service = 'svc' }) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: service } },
          ...(sdk ? [{ key: 'telemetry.sdk.language', value: { stringValue: sdk[0] } }, { key: 'telemetry.sdk.version', value: { stringValue: sdk[1] } }] : []),
        ],
      },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: id.padStart(16, '0'),
              ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
              name: 'op',
              kind: parent ? 2 : 1,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000010000000',
              ...(flags !== undefined ? { flags } : {}),
            },
          ],
        },
      ],
    })),
  });
}

function sampledOf(flags: number | undefined, sdk?: [string, string]): boolean | undefined {
  return decodeText(request([{ flags, sdk, id: '1' }]), 'f.json').spans[0]!.sampled;
}

function errorsAndSampling(text: string): string[] {
  const result = lint(new TraceSet(decodeText(text, 'f.json').spans), resolveConfig({}, RULES));
  return result.diagnostics.map((d) => d.ruleId).filter((id) => id === 'unsampled-span-recorded' || id === 'sampling-flag-mismatch');
}

describe('OTLP flags: the sampled bit only where the producer fills it', () => {
  it.each([
    // [flags, sdk, sampled]
    [undefined, undefined, undefined],
    [0, ['java', '1.34.1'], undefined],
    [1, undefined, true],
    [0x101, ['java', '1.34.1'], true],
    [0x301, ['nodejs', '1.18.1'], true],
    [0x102, ['java', '1.34.1'], false],
    // Bits 8-9 only: the byte was filled (not sampled) by SDKs known to fill it...
    [0x100, ['nodejs', '2.0.0'], false],
    [0x300, ['java', '1.40.0'], false],
    [0x100, ['go', '1.39.0'], false],
    [0x100, ['go', 'v1.40.1'], false],
    // ...and left unfilled by Python (all versions so far), Go before 1.39.0, and anything unnamed.
    [0x100, ['python', '1.25.0'], undefined],
    [0x300, ['python', '1.23.0'], undefined],
    [0x100, ['go', '1.28.0'], undefined],
    [0x300, ['go', '1.38.9'], undefined],
    [0x100, undefined, undefined],
    [0x100, ['rust', '0.27.0'], undefined],
  ] as Array<[number | undefined, [string, string] | undefined, boolean | undefined]>)('flags %s from %s: sampled %s', (flags, sdk, sampled) => {
    expect(sampledOf(flags, sdk)).toBe(sampled);
  });

  it('a Java parent (257) with a Go 1.28 or Python child (256) is one sampled trace, not a mismatch', () => {
    for (const child of [['go', '1.28.0'], ['python', '1.25.0']] as Array<[string, string]>) {
      const text = request([
        { flags: 0x101, sdk: ['java', '1.34.1'], id: '1', service: 'ad' },
        { flags: 0x300, sdk: child, id: '2', parent: '1', service: 'child' },
      ]);
      expect(errorsAndSampling(text)).toEqual([]);
    }
  });

  it('a Java parent (257) with a Go 1.39 child (256) is a mismatch: that child was not sampled', () => {
    const text = request([
      { flags: 0x101, sdk: ['java', '1.34.1'], id: '1', service: 'ad' },
      { flags: 0x300, sdk: ['go', '1.39.0'], id: '2', parent: '1', service: 'child' },
    ]);
    expect(errorsAndSampling(text).sort()).toEqual(['sampling-flag-mismatch', 'unsampled-span-recorded']);
  });

  it('the real JS SDK: a recorded, unsampled span exported by a processor that forwards everything is found', async () => {
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'RecordOnly' };
    const { svc, spans } = sdkSystem(['worker'], {
      samplers: { worker: recordOnly },
      // The SDK's own processors drop unsampled spans; this one exports what it is given.
      processors: { worker: (exporter) => ({ onStart: () => {}, onEnd: (span) => exporter.export([span], () => {}), forceFlush: async () => {}, shutdown: async () => {} }) },
    });
    svc.worker!.start('job', { kind: SpanKind.INTERNAL, at: 0 }).end(ms(5));
    const text = toOtlpJson(await spans());
    expect(JSON.parse(text).resourceSpans[0].scopeSpans[0].spans[0].flags).toBe(0x100);
    expect(decodeText(text, 'sdk.json').spans[0]!.sampled).toBe(false);
    expect(errorsAndSampling(text)).toEqual(['unsampled-span-recorded']);
  });

  it('the real JS SDK: sampled spans carry 257 and read as sampled', async () => {
    const { svc, spans } = sdkSystem(['api']);
    svc.api!.start('GET /', { kind: SpanKind.SERVER, at: 0 }).end(ms(1));
    const text = toOtlpJson(await spans());
    expect(JSON.parse(text).resourceSpans[0].scopeSpans[0].spans[0].flags).toBe(0x101);
    expect(decodeText(text, 'sdk.json').spans[0]!.sampled).toBe(true);
  });
});
