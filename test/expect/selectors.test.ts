import { describe, expect, it } from 'vitest';
import { parseSelector, SelectorSyntaxError } from '../../src/expect/selector.js';
import { selectSpans } from '../../src/expect/select.js';
import { shopTrace } from '../support/shop-trace.js';

const shop = await shopTrace();
const letters = (selector: string): string => selectSpans(shop.trace, selector).map((span) => shop.letters.get(span.spanId)).join(' ');

/**
 * Every selector of Tracetest's selector documentation (docs/docs/concepts/
 * selectors.mdx), verbatim, on the trace its diagrams show: the spans each
 * selects are the ones the docs colour as selected.
 */
describe('the selectors of Tracetest\'s documentation select what the docs show', () => {
  it.each([
    ['Empty Selector', '', 'A B C D E F G H I J K'],
    ['Filter by Attributes', 'span[tracetest.span.type="http"]', 'A B D F G I'],
    ['AND Condition', 'span[tracetest.span.type="http" service.name="cart-api"]', 'A F'],
    // The docs' OR example names services api-product, api-auth, …, which the trace calls product-api,
    // auth-api, …: as printed it selects nothing (its picture shows the intent, checked with the names fixed).
    ['OR Condition, as printed', 'span[service.name="api-product"], span[service.name="api-auth"], span[service.name="api-notification"], span[service.name="api-cart"]', ''],
    ['OR Condition, names fixed', 'span[service.name="product-api"], span[service.name="auth-api"], span[service.name="notification-api"], span[service.name="cart-api"]', 'A B C D E F G H I J'],
    ['Contains Operator', 'span[service.name contains "api"]', 'A B C D E F G H I J'],
    [':first', 'span[tracetest.span.type="http"]:first', 'A'],
    [':last', 'span[tracetest.span.type="http"]:last', 'I'],
    [':nth_child', 'span[tracetest.span.type="http"]:nth_child(3)', 'D'],
    ['Parent-child, the ambiguous selector', 'span[service.name="auth-api" tracetest.span.type="http"]', 'D G'],
    ['Parent-child Relation Filtering', 'span[service.name="cart-api", name="purchase products"] span[service.name="auth-api" tracetest.span.type="http"]', 'G'],
  ])('%s: %s', (_name, selector, expected) => {
    expect(letters(selector)).toBe(expected);
  });
});
