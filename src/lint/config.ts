import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { closest } from '../text/suggest.js';
import type { Rule, SeveritySetting } from './types.js';

/**
 * tracelint.config.json: rule severities and options, per-service overrides
 * and ignore patterns. Validated by hand so every mistake gets a message that
 * names the file, the place and what was expected.
 */
export const CONFIG_FILE_NAME = 'tracelint.config.json';

export type RuleSetting = SeveritySetting | [SeveritySetting, Record<string, unknown>];

export interface ServiceOverride {
  /** Service names; `*` and `?` are wildcards. */
  services: string[];
  rules: Record<string, SeveritySetting>;
}

/** A finding matching every field given is left out of the report. `*` and `?` are wildcards. */
export interface IgnorePattern {
  rule?: string;
  service?: string;
  /** Span name. */
  span?: string;
  /** Trace id. */
  trace?: string;
  /** Input file as given on the command line. */
  file?: string;
  /** Why it is ignored; for people reading the config. */
  reason?: string;
}

export interface TracelintConfig {
  rules?: Record<string, RuleSetting>;
  overrides?: ServiceOverride[];
  ignore?: IgnorePattern[];
  /** Spec files to check the traces against (`check --expect`); relative to the config file, absolute once loaded. */
  expect?: string[];
}

export interface ResolvedRule {
  severity: SeveritySetting;
  options: Record<string, unknown>;
}

export interface ResolvedConfig {
  rules: Map<string, ResolvedRule>;
  overrides: ServiceOverride[];
  ignore: IgnorePattern[];
  /** Spec files, as the config gives them (absolute when loaded from a file). */
  expect: string[];
}

/** A config or command-line setting that cannot be used; exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const SEVERITIES: readonly SeveritySetting[] = ['off', 'warn', 'error'];
const IGNORE_FIELDS = ['rule', 'service', 'span', 'trace', 'file', 'reason'];

/** Checks a parsed config file against the rules; returns it typed or throws ConfigError. */
export function validateConfig(raw: unknown, source: string, rules: readonly Rule[]): TracelintConfig {
  const fail = (where: string, message: string): never => {
    throw new ConfigError(`${source}: ${where}: ${message}`);
  };
  if (!isPlainObject(raw)) return fail('top level', 'expected an object with "rules", "overrides", "ignore" and/or "expect"');
  for (const key of Object.keys(raw)) {
    if (!['rules', 'overrides', 'ignore', 'expect', '$schema'].includes(key)) fail(key, 'unknown setting; expected "rules", "overrides", "ignore" or "expect"');
  }
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const config: TracelintConfig = {};
  if (raw.rules !== undefined) {
    if (!isPlainObject(raw.rules)) fail('rules', 'expected an object of rule id -> "off" | "warn" | "error" | [severity, {options}]');
    config.rules = {};
    for (const [id, setting] of Object.entries(raw.rules as Record<string, unknown>)) {
      const rule = ruleById(byId, id, (message) => fail(`rules.${id}`, message));
      config.rules[id] = validateSetting(rule, setting, (message) => fail(`rules.${id}`, message));
    }
  }
  if (raw.overrides !== undefined) {
    if (!Array.isArray(raw.overrides)) fail('overrides', 'expected an array of {"services": [...], "rules": {...}}');
    config.overrides = (raw.overrides as unknown[]).map((entry, i) => {
      const where = `overrides[${i}]`;
      if (!isPlainObject(entry)) return fail(where, 'expected {"services": [...], "rules": {...}}');
      const services = entry.services;
      if (!Array.isArray(services) || services.length === 0 || !services.every((s) => typeof s === 'string')) fail(`${where}.services`, 'expected a non-empty array of service names (wildcards * and ? allowed)');
      if (!isPlainObject(entry.rules)) fail(`${where}.rules`, 'expected an object of rule id -> "off" | "warn" | "error"');
      const overrideRules: Record<string, SeveritySetting> = {};
      for (const [id, severity] of Object.entries(entry.rules as Record<string, unknown>)) {
        ruleById(byId, id, (message) => fail(`${where}.rules.${id}`, message));
        if (!SEVERITIES.includes(severity as SeveritySetting)) fail(`${where}.rules.${id}`, `expected "off", "warn" or "error" (options cannot vary by service), found ${JSON.stringify(severity)}`);
        overrideRules[id] = severity as SeveritySetting;
      }
      return { services: services as string[], rules: overrideRules };
    });
  }
  if (raw.ignore !== undefined) {
    if (!Array.isArray(raw.ignore)) fail('ignore', 'expected an array of {"rule", "service", "span", "trace", "file"} patterns');
    config.ignore = (raw.ignore as unknown[]).map((entry, i) => {
      const where = `ignore[${i}]`;
      if (!isPlainObject(entry)) return fail(where, 'expected an object such as {"rule": "pii", "service": "test-*"}');
      for (const [key, value] of Object.entries(entry)) {
        if (!IGNORE_FIELDS.includes(key)) fail(`${where}.${key}`, `unknown field; expected one of ${IGNORE_FIELDS.join(', ')}`);
        if (typeof value !== 'string') fail(`${where}.${key}`, 'expected a string pattern');
      }
      if (!IGNORE_FIELDS.slice(0, 5).some((key) => key in entry)) fail(where, 'an ignore pattern needs at least one of rule, service, span, trace, file');
      return entry as IgnorePattern;
    });
  }
  if (raw.expect !== undefined) {
    if (!Array.isArray(raw.expect) || !raw.expect.every((entry) => typeof entry === 'string' && entry !== '')) fail('expect', 'expected an array of spec file paths, relative to the config file, such as ["checkout.yaml"]');
    config.expect = raw.expect as string[];
  }
  return config;
}

function validateSetting(rule: Rule, setting: unknown, fail: (message: string) => never): RuleSetting {
  if (SEVERITIES.includes(setting as SeveritySetting)) return setting as SeveritySetting;
  if (!Array.isArray(setting) || setting.length !== 2 || !SEVERITIES.includes(setting[0] as SeveritySetting) || !isPlainObject(setting[1])) {
    return fail(`expected "off", "warn", "error" or [severity, {options}], found ${JSON.stringify(setting)}`);
  }
  const options = setting[1] as Record<string, unknown>;
  for (const [name, value] of Object.entries(options)) {
    const declared = Object.hasOwn(rule.options, name) ? rule.options[name] : undefined;
    if (!declared) {
      const known = Object.keys(rule.options);
      fail(`unknown option "${name}"; ${known.length ? `this rule has ${known.join(', ')}` : 'this rule has no options'}`);
    }
    if (!matchesType(value, declared!.type)) fail(`option "${name}" expects a ${declared!.type}, found ${JSON.stringify(value)}`);
  }
  return [setting[0] as SeveritySetting, options];
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    default:
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

function ruleById(byId: Map<string, Rule>, id: string, fail: (message: string) => never): Rule {
  const rule = byId.get(id);
  if (rule) return rule;
  const suggestion = closest(id, [...byId.keys()]);
  return fail(`unknown rule${suggestion ? `; did you mean "${suggestion}"?` : ''} (tracelint rules lists them)`);
}

/** `--rule id=severity` from the command line. */
export function parseRuleFlag(flag: string, rules: readonly Rule[]): [string, SeveritySetting] {
  const match = /^([a-z0-9-]+)=(off|warn|error)$/.exec(flag.trim());
  if (!match) throw new ConfigError(`--rule ${flag}: expected <rule-id>=off|warn|error`);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  ruleById(byId, match[1]!, (message) => {
    throw new ConfigError(`--rule ${flag}: ${message}`);
  });
  return [match[1]!, match[2] as SeveritySetting];
}

/** Every rule with its severity and options: defaults, then the config file, then --rule flags. */
export function resolveConfig(config: TracelintConfig, rules: readonly Rule[], flags: ReadonlyArray<[string, SeveritySetting]> = []): ResolvedConfig {
  const resolved = new Map<string, ResolvedRule>();
  for (const rule of rules) {
    const defaults = Object.fromEntries(Object.entries(rule.options).map(([name, option]) => [name, option.default]));
    const setting = config.rules?.[rule.id];
    const severity = setting === undefined ? rule.defaultSeverity : Array.isArray(setting) ? setting[0] : setting;
    const options = Array.isArray(setting) ? { ...defaults, ...setting[1] } : defaults;
    resolved.set(rule.id, { severity, options });
  }
  for (const [id, severity] of flags) resolved.get(id)!.severity = severity;
  return { rules: resolved, overrides: config.overrides ?? [], ignore: config.ignore ?? [], expect: config.expect ?? [] };
}

/** The config file named, or tracelint.config.json found upward from cwd; undefined when there is none. */
export async function loadConfig(rules: readonly Rule[], cwd: string, explicit?: string): Promise<{ config: TracelintConfig; file?: string }> {
  const file = explicit ? path.resolve(cwd, explicit) : await findUpward(cwd);
  if (!file) return { config: {} };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`${explicit ?? file}: cannot read the config file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  const config = validateConfig(raw, file, rules);
  if (config.expect) config.expect = config.expect.map((entry) => path.resolve(path.dirname(file), entry));
  return { config, file };
}

async function findUpward(start: string): Promise<string | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (await stat(candidate).then((info) => info.isFile()).catch(() => false)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** A config listing every rule at its default, for `tracelint init`. */
export function defaultConfigText(rules: readonly Rule[]): string {
  const entries = Object.fromEntries(
    rules.map((rule) => {
      const options = Object.fromEntries(Object.entries(rule.options).map(([name, option]) => [name, option.default]));
      return [rule.id, Object.keys(options).length > 0 ? [rule.defaultSeverity, options] : rule.defaultSeverity];
    }),
  );
  return `${JSON.stringify({ rules: entries, overrides: [], ignore: [] }, null, 2)}\n`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
