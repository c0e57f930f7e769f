import type { DiagnosticData } from './types.js';

/**
 * What a diagnostic keeps of its finding, shared with its rule's previous finding where equal:
 * a million findings often say the same words and measure the same facts, trace after trace.
 * One entry per rule: a table of recent values cost more time than the rest of making a
 * diagnostic, for values that are mostly all different.
 */
const lastMessages = new Map<string, string>();
const lastData = new Map<string, DiagnosticData>();

/**
 * A message as a finding keeps it: flat, and its rule's previous one when equal.
 * A message made by a template is a tree of its parts (a node per part, 32 bytes each);
 * reading a character flattens it, and the collector then drops the tree for the flat copy.
 */
export function keptText(ruleId: string, message: string): string {
  message.charCodeAt(0);
  const last = lastMessages.get(ruleId);
  if (last === message) return last;
  lastMessages.set(ruleId, message);
  return message;
}

/**
 * A finding's data as its diagnostic keeps it: the rule's previous data when equal (the same
 * keys in the same order, so reports write the same text), else this data with each list that
 * equals the previous data's under the same key replaced by that one (the services of orphans
 * of one service, say). Diagnostics are data, never changed once made, so sharing is safe.
 */
export function keptData(ruleId: string, data: DiagnosticData): DiagnosticData {
  const last = lastData.get(ruleId);
  if (last !== undefined && sharesLists(data, last)) return last;
  lastData.set(ruleId, data);
  return data;
}

/** Whether `data` equals `last`, sharing `last`'s equal lists as it compares. */
function sharesLists(data: DiagnosticData, last: DiagnosticData): boolean {
  let equal = true;
  let keys = 0;
  for (const key in data) {
    keys++;
    const value = data[key];
    const before = last[key];
    if (value === before) continue;
    if (Array.isArray(value) && Array.isArray(before) && sameItems(value, before)) data[key] = before;
    else equal = false;
  }
  return equal && keys === Object.keys(last).length && sameOrder(data, last);
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameOrder(a: DiagnosticData, b: DiagnosticData): boolean {
  const keys = Object.keys(b);
  let i = 0;
  for (const key in a) if (key !== keys[i++]) return false;
  return true;
}
