import { Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { serviceOf, type Span } from '../model/span.js';
import type { Trace } from '../model/trace.js';
import { attributeValue, spanType } from './attributes.js';
import { selectSpans } from './select.js';

/**
 * A starting spec file from one trace, as Tracetest's UI suggests assertions:
 * every service the trace reaches, and each of its operations (servers,
 * consumers, the root, and calls to HTTP, database, messaging and RPC
 * peers) with the status codes it returned. Written as a Tracetest test
 * whose `traces` selector names the trace's root, so it applies to the
 * traces of the same request.
 */
export interface StarterSpecs {
  text: string;
  specs: number;
  services: string[];
}

/** Operations beyond this many are left out (a note in the file says so): a starting point, not an inventory. */
export const MAX_OPERATIONS = 40;

const STATUS_ATTRIBUTES = ['http.response.status_code', 'http.status_code', 'rpc.grpc.status_code'];
const PEER_TYPES = new Set(['http', 'database', 'messaging', 'rpc']);

interface Spec {
  name: string;
  selector: string;
  assertions: string[];
  comment?: string;
}

export function starterSpecs(trace: Trace, command: string): StarterSpecs {
  const ordered = selectSpans(trace, '');
  const root = ordered[0];
  const services = [...new Set(ordered.map(serviceOf))];
  const specs: Spec[] = services.map((service) => ({ name: `reaches ${service}`, selector: `span[service.name=${quote(service)}]`, assertions: ['attr:tracetest.selected_spans.count >= 1'] }));
  const operations = new Map<string, Span[]>();
  for (const span of ordered) {
    if (!isOperation(span, span === root)) continue;
    const key = JSON.stringify([serviceOf(span), span.name]);
    operations.set(key, [...(operations.get(key) ?? []), span]);
  }
  const kept = [...operations.values()].slice(0, MAX_OPERATIONS);
  for (const spans of kept) specs.push(operationSpec(spans));

  const document = new Document({
    type: 'Test',
    spec: {
      name: root ? root.name : `trace ${trace.traceId}`,
      ...(root ? { traces: `span[service.name=${quote(serviceOf(root))} name=${quote(root.name)}]` } : {}),
      specs: specs.map(({ name, selector, assertions }) => ({ name, selector, assertions })),
    },
  });
  document.commentBefore = [
    ` Written by \`${command}\` from trace ${trace.traceId} (${trace.spans.length} span${trace.spans.length === 1 ? '' : 's'}, ${services.length} service${services.length === 1 ? '' : 's'}).`,
    ' Check traces against it: tracelint check --expect <this file> <traces>  (or receive --expect ... -- <command>).',
    ' A Tracetest test: Tracetest runs it too, once you add a trigger. `traces` is tracelint\'s: the file applies',
    ' to the traces with a span it selects. Edit freely: these are what this trace did, not what it must do.',
    ...(operations.size > kept.length ? [` ${operations.size - kept.length} more operation(s) were left out; add the ones that matter.`] : []),
  ].join('\n');
  const list = (document.get('spec') as YAMLMap).get('specs') as YAMLSeq;
  specs.forEach((spec, i) => {
    if (spec.comment) (list.items[i] as YAMLMap).commentBefore = ` ${spec.comment}`;
  });
  return { text: document.toString({ lineWidth: 0 }), specs: specs.length, services };
}

function isOperation(span: Span, isRoot: boolean): boolean {
  if (isRoot || span.kind === 'SERVER' || span.kind === 'CONSUMER') return true;
  return (span.kind === 'CLIENT' || span.kind === 'PRODUCER') && PEER_TYPES.has(spanType(span));
}

function operationSpec(spans: Span[]): Spec {
  const first = spans[0]!;
  const assertions: string[] = [];
  let comment: string | undefined;
  for (const key of STATUS_ATTRIBUTES) {
    const values = new Set(spans.map((span) => textOf(span, key)));
    const [only] = values;
    if (values.size === 1 && only !== undefined) assertions.push(`attr:${key} = ${/^\d+$/.test(only) ? only : quote(only)}`);
  }
  const errors = spans.filter((span) => span.status.code === 'ERROR').length;
  if (errors === 0) assertions.push('attr:tracetest.span.status_code != "STATUS_CODE_ERROR"');
  else comment = `${errors} of ${spans.length} span${spans.length === 1 ? '' : 's'} of this operation had status ERROR in the trace: no status assertion was written`;
  if (assertions.length === 0) assertions.push('attr:tracetest.selected_spans.count >= 1');
  return { name: `${serviceOf(first)}: ${first.name}`, selector: `span[service.name=${quote(serviceOf(first))} name=${quote(first.name)}]`, assertions, ...(comment ? { comment } : {}) };
}

function textOf(span: Span, key: string): string | undefined {
  const value = attributeValue(span, key);
  return value?.kind === 'text' ? value.text : undefined;
}

/** A selector string literal: only the quote needs escaping in the selector language. */
function quote(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}
