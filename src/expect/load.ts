import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { closest, didYouMean } from '../text/suggest.js';
import { AssertionSyntaxError, parseAssertion, type ParseOptions } from './assertion.js';
import { parseSelector, SelectorSyntaxError, type Selector } from './selector.js';
import type { Position, Spec, SpecAssertion, SpecFile } from './types.js';

/**
 * Spec files: a Tracetest test definition (`type: Test` with `spec.specs`;
 * its trigger, outputs and the rest are not needed, since the traces come from
 * the input) or a bare file with `specs:` at the top. YAML or JSON. Every
 * mistake is a SpecError naming the file, line and column and what was expected.
 */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly file: string,
    readonly at: Position,
    readonly problem: string,
  ) {
    super(`${file}:${at.line}:${at.column}: ${problem}`);
  }
}

export interface LoadOptions extends ParseOptions {}

/** Reads and checks a spec file; `shown` is how messages name it (default: the path). */
export async function loadSpecFile(path: string, options: LoadOptions = {}, shown = path): Promise<SpecFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a spec file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new SpecError(shown, { line: 1, column: 1 }, `cannot read the spec file: ${why}`);
  }
  return parseSpecText(text, shown, options);
}

const BARE_KEYS = ['specs', 'traces', 'name'];
const SPEC_KEYS = ['selector', 'name', 'assertions'];
/** Written by Tracetest's API beside a selector; derived from it, so not needed. */
const IGNORED_SPEC_KEYS = ['selectorParsed'];

/** Parses spec file text (YAML or JSON). */
export function parseSpecText(text: string, file: string, options: LoadOptions = {}): SpecFile {
  const lines = new LineCounter();
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const source = new SourceText(text.replace(/^\uFEFF/, ''), lines, file);
  const syntax = document.errors[0];
  if (syntax) throw source.error(syntax.pos?.[0] ?? 0, `invalid YAML: ${syntax.message.replace(/ at line \d+, column \d+.*$/s, '')}`);
  const root = document.contents;
  if (!isMap(root)) throw source.error(root?.range?.[0] ?? 0, 'expected a Tracetest test (type: Test, spec: {specs: [...]}) or a mapping with specs: [...]');
  const type = root.get('type', true);
  if (type !== undefined || root.has('spec')) return tracetestTest(root, type, source, options);
  for (const pair of root.items) {
    const key = keyOf(pair, source);
    if (!BARE_KEYS.includes(key.value)) throw source.error(key.offset, `unknown key "${key.value}"${didYouMean(key.value, [...BARE_KEYS, 'spec', 'type'])} (a bare spec file has specs, traces and name; a Tracetest test has type: Test and spec)`);
  }
  return specFile(root, source, options, stringAt(root, 'name', source));
}

function tracetestTest(root: YAMLMap, type: unknown, source: SourceText, options: LoadOptions): SpecFile {
  const typeValue = isScalar(type) ? String(type.value) : '';
  if (type !== undefined && typeValue !== 'Test') {
    const why = ['TestSuite', 'Transaction'].includes(typeValue) ? `a ${typeValue} lists tests; give tracelint the test files themselves` : 'tracelint reads Tracetest tests';
    throw source.error(nodeOffset(type as Node), `expected type: Test, found ${JSON.stringify(typeValue)} (${why})`);
  }
  for (const pair of root.items) {
    const key = keyOf(pair, source);
    if (key.value !== 'type' && key.value !== 'spec') throw source.error(key.offset, `unknown key "${key.value}" beside type and spec${['specs', 'traces', 'name'].includes(key.value) ? `; in a Tracetest test, ${key.value} goes inside spec:` : ''}`);
  }
  const spec = root.get('spec', true);
  if (!isMap(spec)) throw source.error(spec ? nodeOffset(spec) : nodeOffset(root), 'expected spec: a mapping with specs: [...]');
  // Tracetest's own keys (trigger, outputs, ...) are not needed here; only near-misses of ours are mistakes.
  for (const pair of spec.items) {
    const key = keyOf(pair, source);
    const near = closest(key.value, ['specs', 'traces']);
    if (near && near !== key.value && !['spec', 'trace'].includes(key.value)) throw source.error(key.offset, `unknown key "${key.value}"; did you mean "${near}"?`);
  }
  return specFile(spec, source, options, stringAt(spec, 'name', source));
}

function specFile(map: YAMLMap, source: SourceText, options: LoadOptions, name: string | undefined): SpecFile {
  const specsNode = map.get('specs', true);
  if (!isSeq(specsNode) || specsNode.items.length === 0) throw source.error(specsNode ? nodeOffset(specsNode) : nodeOffset(map), 'expected specs: a list of {selector, assertions}, with at least one');
  const file: SpecFile = { file: source.file, specs: [], at: source.position(nodeOffset(specsNode)) };
  if (name !== undefined) file.name = name;
  const traces = map.get('traces', true);
  if (traces !== undefined && traces !== null) {
    const node = traces as Node;
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') throw source.error(nodeOffset(node), 'expected traces: a selector such as span[name="POST /checkout"]');
    file.traces = { selector: selectorOf(node as Scalar<string>, source), at: source.position(nodeOffset(node)) };
  }
  specsNode.items.forEach((item, index) => file.specs.push(spec(item as Node, index, source, options)));
  return file;
}

function spec(node: Node, index: number, source: SourceText, options: LoadOptions): Spec {
  if (!isMap(node)) throw source.error(nodeOffset(node), 'expected a spec: {selector: ..., assertions: [...]}');
  for (const pair of node.items) {
    const key = keyOf(pair, source);
    if (!SPEC_KEYS.includes(key.value) && !IGNORED_SPEC_KEYS.includes(key.value)) throw source.error(key.offset, `unknown key "${key.value}" in a spec${didYouMean(key.value, SPEC_KEYS)} (a spec has selector, name and assertions)`);
  }
  const selectorNode = selectorScalar(node.get('selector', true), node, source);
  const selector = selectorOf(selectorNode, source);
  const assertionsNode = node.get('assertions', true);
  if (!isSeq(assertionsNode) || assertionsNode.items.length === 0) throw source.error(assertionsNode ? nodeOffset(assertionsNode) : nodeOffset(node), 'expected assertions: a list of assertions such as attr:http.status_code = 200, with at least one');
  const assertions = assertionsNode.items.map((item, i) => assertion(item as Node, i, source, options));
  const result: Spec = { index, selector, at: source.position(nodeOffset(selectorNode)), assertions };
  const name = stringAt(node, 'name', source);
  if (name !== undefined) result.name = name;
  const skip = triggerReason(selector, assertions);
  if (skip) result.skip = skip;
  return result;
}

/** `selector: span[...]`, `selector: ""` (every span), or Tracetest's older `selector: {query: ...}`. */
function selectorScalar(node: unknown, spec: YAMLMap, source: SourceText): Scalar<string> {
  if (node === undefined) throw source.error(nodeOffset(spec), 'expected selector: a selector such as span[tracetest.span.type="http"] ("" for every span)');
  if (isMap(node) && isScalar(node.get('query', true))) return selectorScalar(node.get('query', true), spec, source);
  if (isScalar(node) && (node.value === null || typeof node.value === 'string')) {
    if (node.value === null) (node as Scalar<string>).value = '';
    return node as Scalar<string>;
  }
  throw source.error(nodeOffset(node as Node), 'expected selector: text such as span[name="GET /"]');
}

function selectorOf(node: Scalar<string>, source: SourceText): Selector {
  try {
    return parseSelector(node.value);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw source.error(source.inside(node, error.offset), `selector ${JSON.stringify(node.value)}: ${error.message}`);
    throw error;
  }
}

function assertion(node: Node, index: number, source: SourceText, options: LoadOptions): SpecAssertion {
  if (!isScalar(node) || typeof node.value !== 'string') throw source.error(nodeOffset(node), 'expected an assertion as text, such as attr:http.status_code = 200');
  try {
    return { assertion: parseAssertion(node.value, options), index, at: source.position(nodeOffset(node)) };
  } catch (error) {
    if (error instanceof AssertionSyntaxError) throw source.error(source.inside(node as Scalar<string>, error.offset), `assertion ${JSON.stringify(node.value)}: ${error.message}`);
    throw error;
  }
}

/** Tracetest's trigger span and response exist only when Tracetest sent the request. */
function triggerReason(selector: Selector, assertions: readonly SpecAssertion[]): string | undefined {
  const onTrigger = selector.paths.some((path) => path.some((compound) => compound.conditions.some((c) => c.property === 'name' && c.value === 'Tracetest trigger')));
  if (onTrigger) return 'it selects the "Tracetest trigger" span, which exists only when Tracetest sends the request';
  const reading = assertions.find((a) => a.assertion.readsTrigger);
  if (reading) return `${reading.assertion.attributes.find((name) => name.startsWith('tracetest.response.'))} is the response to Tracetest's trigger, which tracelint does not send`;
  return undefined;
}

function stringAt(map: YAMLMap, key: string, source: SourceText): string | undefined {
  const node = map.get(key, true);
  if (node === undefined || node === null) return undefined;
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') throw source.error(nodeOffset(node as Node), `expected ${key}: text`);
  return String(node.value);
}

function keyOf(pair: Pair, source: SourceText): { value: string; offset: number } {
  const key = pair.key;
  if (!isScalar(key)) throw source.error(key ? nodeOffset(key as Node) : 0, 'expected a key as text');
  return { value: String(key.value), offset: nodeOffset(key) };
}

function nodeOffset(node: Node | YAMLMap): number {
  return node.range?.[0] ?? 0;
}

/** The spec file's text, to turn offsets into lines and columns, also inside selectors and assertions. */
class SourceText {
  constructor(
    private readonly text: string,
    private readonly lines: LineCounter,
    readonly file: string,
  ) {}

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  error(offset: number, problem: string): SpecError {
    return new SpecError(this.file, this.position(offset), problem);
  }

  /**
   * The offset in the file of character `index` of a scalar's value: exact
   * for plain, quoted and block scalars on one or more lines (escapes and
   * folded line breaks followed); the scalar's start when they do not align.
   */
  inside(node: Scalar<string>, index: number): number {
    const [start, end] = node.range ?? [0, 0];
    const raw = this.text.slice(start, end);
    const value = node.value;
    let at = 0;
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') at = 1;
    else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') at = raw.indexOf('\n') + 1;
    for (let i = 0; i < value.length && at <= raw.length; i++) {
      if (i === index) return start + at;
      const char = value[i]!;
      if (raw[at] === char) at++;
      else if (node.type === 'QUOTE_DOUBLE' && raw[at] === '\\') at += 2;
      else if (node.type === 'QUOTE_SINGLE' && raw.startsWith("''", at)) at += 2;
      else if (/\s/.test(raw[at] ?? '') && /\s/.test(char)) while (/\s/.test(raw[at] ?? '')) at++;
      else if (/\s/.test(raw[at] ?? '')) {
        while (/\s/.test(raw[at] ?? '')) at++;
        if (raw[at] !== char) return start;
        at++;
      } else return start;
    }
    return index >= value.length ? start + Math.min(at, raw.length) : start;
  }
}
