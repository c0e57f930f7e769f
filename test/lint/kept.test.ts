import { describe, expect, it } from 'vitest';
import { keptData, keptText } from '../../src/lint/kept.js';

describe('what a diagnostic keeps, shared with its rule\'s previous finding', () => {
  it('shares a message equal to the rule\'s previous one, and only the rule\'s', () => {
    const first = keptText('kept-a', `span ${'x'} failed`);
    expect(keptText('kept-a', `span ${'x'} failed`)).toBe(first);
    expect(keptText('kept-a', 'span y failed')).toBe('span y failed');
    expect(keptText('kept-b', 'span y failed')).toBe('span y failed');
  });

  it('shares data equal to the rule\'s previous data: same keys, same order, same values and lists', () => {
    const first = keptData('kept-c', { spans: 1, services: ['api'], note: null });
    expect(keptData('kept-c', { spans: 1, services: ['api'], note: null })).toBe(first);
    expect(keptData('kept-d', { spans: 1, services: ['api'], note: null })).not.toBe(first);
  });

  it('keeps data that differs, sharing the lists equal to the previous data\'s under the same key', () => {
    const first = keptData('kept-e', { id: 'a', services: ['api', 'web'], ports: [1] });
    const second = { id: 'b', services: ['api', 'web'], ports: [2] };
    const kept = keptData('kept-e', second);
    expect(kept).toBe(second);
    expect(kept).toEqual({ id: 'b', services: ['api', 'web'], ports: [2] });
    expect(kept.services).toBe(first.services);
    expect(kept.ports).not.toBe(first.ports);
  });

  it('does not share data whose keys come in another order (reports write them in order) or differ in number', () => {
    keptData('kept-f', { a: 1, b: 2 });
    const reordered = { b: 2, a: 1 };
    expect(keptData('kept-f', reordered)).toBe(reordered);
    expect(Object.keys(keptData('kept-f', { b: 2, a: 1 }))).toEqual(['b', 'a']);
    const more = { b: 2, a: 1, c: 3 };
    expect(keptData('kept-f', more)).toBe(more);
    const fewer = { b: 2, a: 1 };
    expect(keptData('kept-f', fewer)).toBe(fewer);
  });
});
