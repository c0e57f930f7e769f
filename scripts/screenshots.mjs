#!/usr/bin/env node
// Regenerates the README's pictures of the HTML report, taken by the browser the tests use:
//   docs/report-summary.png     the top of the report of the bundled broken example
//   docs/report-waterfall.png   a waterfall after a click on a lost-propagation finding
//   docs/report-details.png     a span's details (fields, attributes, resource)
//   npm run screenshots          (builds first)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const temp = mkdtempSync(path.join(os.tmpdir(), 'tracelint-shots-'));
const report = path.join(temp, 'report.html');
try {
  try {
    execFileSync(process.execPath, ['bin/tracelint.js', 'check', 'fixtures/checkout-broken.otlp.jsonl', '--reporter', 'html', '--output-file', report], { cwd: root, stdio: 'inherit' });
  } catch (error) {
    // Exit 1 means findings at error level, which this example has on purpose.
    if (error.status !== 1) throw error;
  }
  const browser = await launchChromium({ width: 1280, height: 860 });
  try {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(report).href);
    await page.waitForSelector('#app > header');
    const shot = (name, target) => target.screenshot({ path: path.join(root, 'docs', name), animations: 'disabled' }).then(() => console.log(`docs/${name}`));

    await shot('report-summary.png', page);

    await page.locator('li.finding', { hasText: 'lost-propagation' }).first().locator('.msg').click();
    const section = page.locator('section.trace', { has: page.locator('.row.highlight') });
    await shot('report-waterfall.png', section);

    const skewed = page.locator('section.trace', { hasText: 'f02265f23484086547626ec75865dab4' });
    await skewed.scrollIntoViewIfNeeded();
    await skewed.locator('.row', { hasText: 'POST /orders' }).click();
    // The details panel scrolls on its own: bring its attributes into view.
    await skewed.locator('aside.details caption', { hasText: /^Attributes/ }).evaluate((caption) => caption.scrollIntoView({ block: 'start' }));
    await page.mouse.move(0, 0);
    await shot('report-details.png', skewed);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
