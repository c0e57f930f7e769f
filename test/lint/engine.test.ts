import { describe, expect, it } from 'vitest';
import { resolveConfig, validateConfig } from '../../src/lint/config.js';
import { lint, lintShard, lintShards } from '../../src/lint/engine.js';
import { defineRule, type Rule, type RuleOptions } from '../../src/lint/types.js';
import { wildcardMatch } from '../../src/lint/wildcard.js';
import { TraceSet } from '../../src/model/trace.js';
import { RULES } from '../../src/rules/index.js';
import { sid, span, tid } from '../support/spans.js';

/** A rule for these tests: only its id, scope, options and check matter. */
function testRule<O extends RuleOptions>(id: string, scope: Rule['scope'], options: O, check: Rule<O>['check'], defaultSeverity: Rule['defaultSeverity'] = 'error'): Rule<O> {
  return defineRule({ id, category: 'hygiene', defaultSeverity, summary: `test rule ${id}`, docs: { why: 'test', fix: 'test' }, options, scope, check });
}

/** One finding per span. */
const everySpan = testRule(
  'every-span',
  'trace',
  { skip: { type: 'string', default: '', description: 'span name to skip' } },
  ({ trace, options, report }) => {
    for (const s of trace!.spans) if (s.name !== options.skip) report({ span: s, message: `span ${s.name}` });
  },
  'warn',
);

const throwing = testRule('throws', 'set', {}, () => {
  throw new Error('boom');
});

const spans = () => [span({ traceId: tid('1'), spanId: sid('1'), name: 'a', service: 'api' }), span({ traceId: tid('2'), spanId: sid('2'), name: 'b', service: 'legacy-billing', at: [1, 2] })];

describe('lint engine', () => {
  it('a failing rule is reported and the others still run', () => {
    const result = lint(new TraceSet(spans()), undefined, [throwing, everySpan]);
    expect(result.failures).toEqual([{ ruleId: 'throws', message: 'boom' }]);
    expect(result.diagnostics).toHaveLength(2);
  });

  it('a per-trace rule that throws keeps what it reported before, stops, and the others cover every trace; failures come in rule order', () => {
    // Reports each trace, and fails on the second.
    const failsOnSecondTrace = testRule('fails-later', 'trace', {}, ({ trace, report }) => {
      if (trace!.traceId === tid('2')) throw new Error('second trace');
      report({ trace: trace!, message: `trace ${trace!.traceId}` });
    });
    const three = [...spans(), span({ traceId: tid('3'), spanId: sid('3'), name: 'c', service: 'api', at: [3, 4] })];
    const result = lint(new TraceSet(three), undefined, [failsOnSecondTrace, throwing, everySpan]);
    expect(result.failures).toEqual([
      { ruleId: 'fails-later', message: 'second trace' },
      { ruleId: 'throws', message: 'boom' },
    ]);
    expect(result.diagnostics.filter((d) => d.ruleId === 'fails-later').map((d) => d.message)).toEqual([`trace ${tid('1')}`]);
    expect(result.diagnostics.filter((d) => d.ruleId === 'every-span').map((d) => d.message).sort()).toEqual(['span a', 'span b', 'span c']);
  });

  it('tells how many traces are checked as it goes', () => {
    const seen: Array<[number, number]> = [];
    lint(new TraceSet(spans()), undefined, [throwing, everySpan], { onTraceChecked: (done, total) => seen.push([done, total]) });
    expect(seen).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it('severities, options, per-service overrides and ignore patterns come from the config', () => {
    const rules = [everySpan];
    const config = validateConfig({ rules: { 'every-span': ['error', { skip: 'zzz' }] }, overrides: [{ services: ['legacy-*'], rules: { 'every-span': 'warn' } }], ignore: [{ span: 'a' }] }, 'cfg', rules);
    const result = lint(new TraceSet(spans()), resolveConfig(config, rules), rules);
    expect(result.diagnostics.map((d) => [d.message, d.severity, d.service])).toEqual([['span b', 'warn', 'legacy-billing']]);
    expect(result.ignoredCount).toBe(1);
    const off = lint(new TraceSet(spans()), resolveConfig({ rules: { 'every-span': 'off' } }, rules), rules);
    expect(off.diagnostics).toEqual([]);
    const onlyLegacy = lint(new TraceSet(spans()), resolveConfig({ rules: { 'every-span': 'off' }, overrides: [{ services: ['legacy-*'], rules: { 'every-span': 'error' } }] }, rules), rules);
    expect(onlyLegacy.diagnostics.map((d) => d.service)).toEqual(['legacy-billing']);
  });

  it('fingerprints do not depend on span order or file positions', () => {
    const forward = lint(new TraceSet(spans())).diagnostics.map((d) => d.fingerprint).sort();
    const moved = spans()
      .reverse()
      .map((s) => ({ ...s, source: { ...s.source, line: 99 } }));
    expect(lint(new TraceSet(moved)).diagnostics.map((d) => d.fingerprint).sort()).toEqual(forward);
  });

  it('orders diagnostics deterministically', () => {
    const a = lint(new TraceSet(spans()), undefined, [everySpan]).diagnostics;
    const b = lint(new TraceSet(spans().reverse()), undefined, [everySpan]).diagnostics;
    expect(b).toEqual(a);
  });

  it.each([
    [{ rulez: {} }, 'unknown setting'],
    [{ rules: { 'clock-skw': 'warn' } }, 'did you mean "clock-skew"'],
    [{ rules: { 'clock-skew': 'loud' } }, 'expected "off", "warn", "error"'],
    [{ rules: { 'clock-skew': ['warn', { tolerance: 1 }] } }, 'unknown option "tolerance"; this rule has toleranceMs'],
    [{ rules: { 'clock-skew': ['warn', { constructor: 1 }] } }, 'unknown option "constructor"; this rule has toleranceMs'],
    [{ rules: { 'clock-skew': ['warn', { toString: 1 }] } }, 'unknown option "toString"; this rule has toleranceMs'],
    [{ overrides: [{ services: [], rules: {} }] }, 'non-empty array of service names'],
    [{ ignore: [{ reason: 'x' }] }, 'needs at least one of'],
    [{ ignore: [{ rule: 1 }] }, 'expected a string pattern'],
  ])('rejects %j', (raw, message) => {
    expect(() => validateConfig(raw, 'tracelint.config.json', RULES)).toThrow(message);
  });

  it.each([
    ['legacy-*', 'legacy-billing', true],
    ['*-svc', 'cart-svc', true],
    ['c?rt', 'cart', true],
    ['cart', 'carts', false],
    ['*a*b*c*', 'xaxbxcx', true],
    ['*a*b*c*d', 'a'.repeat(10000), false],
  ])('wildcard %s matches %s: %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
  });
});

describe('grouped findings carry a digest of their group, not its text', () => {
  // The same ERROR-without-details span name in four traces: one grouped finding whose group is a span name with an address in it.
  const spans = [1, 2, 3, 4].map((t) => span({ traceId: tid(`c${t}`), spanId: sid(`c${t}`), name: 'GET /users/jane.doe@acmecorp.eu', kind: 'SERVER', status: { code: 'ERROR' } }));

  it('no span text in the diagnostic, and the same group joins across shards as in one run', () => {
    const whole = lint(new TraceSet(spans)).diagnostics.filter((d) => d.ruleId === 'error-without-details');
    expect(whole).toHaveLength(1);
    expect(whole[0]!.count).toBe(4);
    expect(whole[0]!.group).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(whole)).not.toContain('jane.doe');
    const merged = lintShards([lintShard(new TraceSet(spans.slice(0, 2))), lintShard(new TraceSet(spans.slice(2)))]).diagnostics.filter((d) => d.ruleId === 'error-without-details');
    expect(merged).toEqual(whole);
  });
});
