import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.mjs';
import { runTracelint, runTraceview } from '../support/cli.js';
import { ms, sdkSystem, SpanKind, toOtlpJson } from '../support/sdk.js';

/**
 * The HTML report in a real browser: headless Chromium from Debian's package,
 * driven by playwright-core. Without a browser every test fails, saying why
 * (the browser and each page are started by the first test that needs them,
 * so a failure to start is each test's own failure, never a skip).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'tracelint-browser-'));

/** Started by the first caller; every caller gets its result, or its error. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => (started ??= make());
}

const browser = once(() => launchChromium());
let browserStarted = false;

afterAll(async () => {
  if (browserStarted) await (await browser().catch(() => undefined))?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Loaded {
  page: Page;
  /** Requests for anything but the page itself (all refused). */
  requests: string[];
  /** Page errors, CSP violations and dialogs (alert). */
  problems: string[];
}

async function open(file: string, context?: BrowserContext): Promise<Loaded> {
  browserStarted = true;
  const page = await (context ?? (await browser()).context).newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  const self = pathToFileURL(file).href;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === self) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => problems.push(`error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(self);
  await page.waitForSelector('#app > header');
  return { page, requests, problems };
}

async function report(name: string, args: string[], cwd = ROOT): Promise<string> {
  const out = path.join(dir, name);
  const run = await runTracelint(['check', ...args, '--reporter', 'html', '--output-file', out], { cwd });
  expect(run.stderr).toBe('');
  return out;
}

const count = (page: Page, selector: string) => page.locator(selector).count();

describe('the report of the bundled example in Chromium', () => {
  const example = once(async () => open(await report('example.html', ['fixtures/checkout-broken.otlp.jsonl'])));

  it('opens without errors, CSP violations or requests', async () => {
    const loaded = await example();
    expect(loaded.problems).toEqual([]);
    expect(loaded.requests).toEqual([]);
  });

  it('shows the summary, the findings and the spans', async () => {
    const { page } = await example();
    await expect(page.locator('.status').textContent()).resolves.toBe('✖ exit 1: 3 findings at error level');
    expect(await count(page, 'li.finding')).toBe(5);
    // Grouped by trace, most errors first: the first group is the trace with an error and a warning.
    await expect(page.locator('.fgroup h3').first().textContent()).resolves.toContain('4909298b89b76de0e012def3a17e4b3d');
    await expect(page.locator('li.finding', { hasText: 'has no child' }).count()).resolves.toBe(2);
    // Four traces with findings, drawn as they come into view; their rows are then in the document.
    expect(await count(page, 'section.trace')).toBe(4);
    await page.locator('section.trace').first().scrollIntoViewIfNeeded();
    expect(await page.locator('section.trace').first().locator('.row').count()).toBe(12);
    await expect(page.locator('section.trace').first().locator('.row').first().textContent()).resolves.toContain('POST /api/checkout');
  });

  it('a click on a finding scrolls to its span, highlights it and shows it', async () => {
    const { page } = await example();
    const finding = page.locator('li.finding', { hasText: 'started a new trace 306d667d' });
    await finding.locator('.msg').click();
    const row = page.locator('.row.highlight');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.getAttribute('data-span')).resolves.toBe('342c5c5327dd94aa');
    await expect(row.isVisible()).resolves.toBe(true);
    const box = (await row.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(1000);
    const details = row.locator('xpath=ancestor::section[contains(@class,"trace")]').locator('aside.details');
    await expect(details.textContent()).resolves.toContain('342c5c5327dd94aa');
    await expect(details.textContent()).resolves.toContain('lost-propagation');
  });

  it('a click on a span shows its fields, attributes and resource', async () => {
    const { page } = await example();
    const section = page.locator('section.trace').first();
    await section.locator('.row', { hasText: 'GET /cart' }).click();
    const details = section.locator('aside.details');
    await expect(details.locator('h4').textContent()).resolves.toBe('GET /cart');
    const attributes = details.locator('table', { has: page.locator('caption', { hasText: /^Attributes/ }) });
    await expect(attributes.locator('tr', { hasText: 'http.route' }).locator('td').textContent()).resolves.toBe('/cart');
    await expect(details.locator('table', { has: page.locator('caption', { hasText: 'Resource' }) }).textContent()).resolves.toContain('service.namecart');
  });

  it('filters by severity, rule, service and text change what is listed', async () => {
    const { page } = await example();
    await page.locator('#filter-warn').uncheck();
    expect(await count(page, 'li.finding')).toBe(3);
    await page.locator('#filter-rule').selectOption('pii');
    expect(await count(page, 'li.finding')).toBe(1);
    await page.locator('#filter-rule').selectOption('');
    await page.locator('#filter-text').fill('charge');
    expect(await count(page, 'li.finding')).toBe(2);
    await page.locator('#filter-warn').check();
    await page.locator('#filter-text').fill('');
    await page.locator('#filter-service').selectOption('payment');
    expect(await count(page, 'li.finding')).toBe(1);
    await expect(page.locator('li.finding').textContent()).resolves.toContain('clock-skew');
    await page.locator('#filter-service').selectOption('');
    await page.locator('#filter-text').fill('no such thing');
    await expect(page.locator('.finding-groups').textContent()).resolves.toBe('No finding matches the filters.');
    await page.locator('#filter-text').fill('');
    expect(await count(page, 'li.finding')).toBe(5);
  });

  it('a grouped finding lists where else it was seen, and each place opens its span', async () => {
    const { page } = await example();
    const grouped = page.locator('li.finding', { hasText: 'error-without-details' });
    await expect(grouped.locator('.where').first().textContent()).resolves.toContain('×4 spans');
    await grouped.locator('summary').click();
    await expect(grouped.locator('summary').textContent()).resolves.toBe('also seen on 3 other spans');
    const place = grouped.locator('.occurrences button').first();
    const [traceId, spanId] = ((await place.textContent()) ?? '').split(' · ');
    await place.click();
    const row = page.locator('.row.highlight');
    await expect(row.getAttribute('data-span')).resolves.toBe(spanId);
    await expect(row.locator('xpath=ancestor::section[contains(@class,"trace")]').locator('h3').textContent()).resolves.toBe(`Trace ${traceId}`);
  });

  it('spans collapse and expand, with the mouse and the keyboard', async () => {
    const { page } = await example();
    const section = page.locator('section.trace').nth(1);
    await section.locator('.row').first().locator('.toggle').click();
    expect(await section.locator('.row').count()).toBe(1);
    await expect(section.locator('.row').first().getAttribute('aria-expanded')).resolves.toBe('false');
    await section.locator('.wf-viewport').focus();
    await page.keyboard.press('ArrowRight');
    expect(await section.locator('.row').count()).toBe(10);
    await page.keyboard.press('ArrowDown');
    await expect(section.locator('.row.selected').textContent()).resolves.toContain('load session');
    await section.getByRole('button', { name: 'Collapse all' }).click();
    expect(await section.locator('.row').count()).toBe(1);
    await section.getByRole('button', { name: 'Expand all' }).click();
    expect(await section.locator('.row').count()).toBe(10);
  });

  it('zooms into a time range by dragging across the axis, by key, and back', async () => {
    const { page } = await example();
    const section = page.locator('section.trace').first();
    const label = section.locator('.zoom-label');
    await expect(label.textContent()).resolves.toBe('showing 0ns – 80.0ms of 80.0ms');
    await section.scrollIntoViewIfNeeded();
    const axis = (await section.locator('.axis').boundingBox())!;
    await page.mouse.move(axis.x + axis.width * 0.5, axis.y + 5);
    await page.mouse.down();
    await page.mouse.move(axis.x + axis.width * 0.6, axis.y + 5, { steps: 5 });
    await page.mouse.move(axis.x + axis.width * 0.75, axis.y + 5, { steps: 5 });
    await page.mouse.up();
    await expect(label.textContent()).resolves.toBe('showing 40.0ms – 60.0ms of 80.0ms');
    await section.locator('.wf-viewport').focus();
    await page.keyboard.press('0');
    await expect(label.textContent()).resolves.toBe('showing 0ns – 80.0ms of 80.0ms');
    // Z zooms to the selected span: the first row (80 ms) then GET (7 ms, from 4 ms).
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('z');
    await expect(label.textContent()).resolves.toBe('showing 4.00ms – 11.0ms of 80.0ms');
    await page.keyboard.press('0');
  });

  it('everything interactive is reachable with Tab', async () => {
    const { page } = await example();
    await page.locator('body').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate('document.activeElement ? document.activeElement.id || document.activeElement.className : ""'));
    }
    expect([...reached]).toEqual(expect.arrayContaining(['filter-error', 'filter-warn', 'filter-rule', 'filter-service', 'filter-text', 'msg', 'wf-viewport']));
  });

  it('without JavaScript the page says what it needs, and its data stays inert', async () => {
    await example();
    const context = await (await browser()).context.browser()!.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(path.join(dir, 'example.html')).href);
      await expect(page.locator('noscript').count()).resolves.toBe(1);
      await expect(page.locator('#tracelint-data').getAttribute('type')).resolves.toBe('application/json');
    } finally {
      await context.close();
    }
  });
});

describe('a report made from hostile text in Chromium', () => {
  const PAYLOADS = {
    img: '<img src=x onerror="window.__pwned=1">',
    script: '</script><script>window.__pwned=2</script>',
    comment: '<!--<script>window.__pwned=3</script>-->',
    svg: '<svg onload="window.__pwned=4">',
    bidi: 'safe\u202eexe.txt',
    control: 'bell\u0007esc\u001b[31mred\r\nnext',
    separator: 'a\u2028b',
  };
  const hostile = once(async () => {
    const { svc, spans } = sdkSystem([PAYLOADS.img, 'checkout']);
    const root = svc[PAYLOADS.img]!.start(PAYLOADS.img, { kind: SpanKind.SERVER, at: 0, attributes: { 'http.route': PAYLOADS.script, 'link.to': 'javascript:window.__pwned=5', [PAYLOADS.svg]: PAYLOADS.comment } });
    const child = svc.checkout!.start(PAYLOADS.bidi, { parent: root, at: 1, attributes: { note: PAYLOADS.control } });
    child.addEvent(PAYLOADS.separator, { [PAYLOADS.script]: PAYLOADS.img }, ms(2));
    child.setStatus({ code: 2, message: PAYLOADS.comment });
    child.end(ms(3));
    root.end(ms(5));
    const file = path.join(dir, 'hostile.json');
    writeFileSync(file, toOtlpJson(await spans()));
    // The error-level finding (an ERROR without details is a warning) comes from a missing parent.
    const text = readFileSync(file, 'utf8').replace(/"parentSpanId":"[0-9a-f]{16}"/, '"parentSpanId":"00000000000000aa"');
    writeFileSync(file, text);
    return open(await report('hostile.html', [file], dir));
  });

  it('runs nothing from the data: no injected element or script, no dialog, no request', async () => {
    const { page, requests, problems } = await hostile();
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await count(page, 'script')).toBe(2);
    expect(await count(page, 'img, svg, iframe, object, embed, link, meta[http-equiv="refresh"], base')).toBe(0);
    expect(await count(page, 'form')).toBe(1);
    const handlers = await page.evaluate('[...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((name) => name.startsWith("on"))');
    expect(handlers).toEqual([]);
    const links = (await page.evaluate('[...document.querySelectorAll("a")].map((a) => a.getAttribute("href"))')) as string[];
    expect(links.length).toBeGreaterThan(0);
    for (const href of links) expect(href).toMatch(/^https:\/\/unpkg\.com\/tracelint@[^/]+\/docs\/rules\/[a-z-]+\.md$/);
  });

  it('shows the text as text: markup, javascript: values, bidi overrides and control characters', async () => {
    const { page } = await hostile();
    const rows = page.locator('.row');
    await expect(rows.first().textContent()).resolves.toContain(PAYLOADS.img);
    await expect(page.locator('.service-key', { hasText: '<img' }).first().textContent()).resolves.toBe(PAYLOADS.img);
    await rows.first().click();
    const details = page.locator('aside.details').first();
    await expect(details.locator('tr', { hasText: 'link.to' }).locator('td').textContent()).resolves.toBe('javascript:window.__pwned=5');
    await expect(details.locator('tr', { hasText: 'http.route' }).locator('td').textContent()).resolves.toBe(PAYLOADS.script);
    await expect(details.locator('th', { hasText: '<svg' }).textContent()).resolves.toBe(PAYLOADS.svg);
    await rows.nth(1).click();
    await expect(details.locator('h4').textContent()).resolves.toBe('safe\\u{202e}exe.txt');
    await expect(details.locator('tr', { hasText: 'note' }).locator('td').textContent()).resolves.toBe('bell\\x07esc\\x1b[31mred\\x0d\\x0anext');
    await expect(details.textContent()).resolves.toContain('a\\u{2028}b');
    const body = (await page.evaluate('document.getElementById("app").textContent')) as string;
    expect(body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });
});

describe('a 10,000-span trace in Chromium', () => {
  const SPANS = 10_000;
  const big = once(async () => {
    // One trace: a root with 100 calls of 99 children each, as OTLP/JSON.
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    const spans = [];
    const start = 1_700_000_000_000_000_000n;
    for (let i = 0; i < SPANS; i++) {
      const parent = i === 0 ? undefined : i % 100 === 1 ? 0 : i - ((i - 1) % 100);
      const at = start + BigInt(i) * 1_000_000n;
      spans.push({ traceId: hex(1, 32), spanId: hex(i + 1, 16), ...(parent === undefined ? {} : { parentSpanId: hex(parent + 1, 16) }), name: `op ${i}`, kind: 1, startTimeUnixNano: String(at), endTimeUnixNano: String(at + 500_000n + (i === 0 ? BigInt(SPANS) * 1_000_000n : 0n)), attributes: [{ key: 'i', value: { intValue: String(i) } }] });
    }
    const file = path.join(dir, 'big.json');
    writeFileSync(file, JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'big' } }] }, scopeSpans: [{ spans }] }] }));
    const out = path.join(dir, 'big.html');
    const run = await runTraceview([file, '--html', out], { cwd: dir });
    expect(run.code).toBe(0);
    return open(out);
  });

  it('keeps only the rows in view in the document, and scrolls to the last span', async () => {
    const { page, problems } = await big();
    expect(problems).toEqual([]);
    const section = page.locator('section.trace');
    const rendered = await section.locator('.row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    await section.locator('.wf-viewport').focus();
    await page.keyboard.press('End');
    await expect(section.locator('.row.selected').getAttribute('data-span')).resolves.toBe((SPANS).toString(16).padStart(16, '0'));
    expect(await section.locator('.row').count()).toBeLessThan(100);
    await section.getByRole('button', { name: 'Collapse all' }).click();
    expect(await section.locator('.row').count()).toBe(1);
    await section.getByRole('button', { name: 'Expand all' }).click();
    expect(await section.locator('.row').count()).toBeLessThan(100);
  });
});
