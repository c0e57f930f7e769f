#!/usr/bin/env node
// What the reports for people cost against the JSON reporter, in one process on the
// same findings: a generated export (bench/generate.mjs) is read and linted once, then
// each reporter runs three times and the fastest run counts. Prints each reporter's
// time, its output size and its ratios to two references: the json reporter, and
// linting the same traces (every rule, best of 3), the work a check does anyway.
//
// With --browser it also opens two pages in headless Chromium (scripts/chromium.mjs), three
// times each: the check report, and traceview's page of every trace (the most a page holds),
// timed until the viewer has drawn its header, against a reference page with the same JSON
// that only parses it.
//
//   npm run build && node bench/report.mjs [--spans 100000] [--browser]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { lint, readTraces, REPORTERS, RULES } from '../dist/index.js';
import { traceViewPage } from '../dist/report/html/reporter.js';
import { writeExport } from './generate.mjs';

const spansArg = process.argv.indexOf('--spans');
const spans = spansArg > 0 ? Number(process.argv[spansArg + 1]) : 100_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'tracelint-bench-report-'));
try {
  const file = path.join(dir, 'export.jsonl');
  await writeExport(file, 'otlp-jsonl', spans, 1);
  const read = await readTraces([file]);
  let result;
  let lintBest = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    result = lint(read.traces);
    lintBest = Math.min(lintBest, performance.now() - started);
  }
  const input = {
    diagnostics: result.diagnostics,
    rules: RULES,
    summary: { inputs: read.inputs.map((i) => ({ name: i.name, format: i.format, spans: i.spanCount })), exitCode: result.errorCount > 0 ? 1 : 0, traces: read.traces.traces.size, spans: read.traces.spanCount, errors: result.errorCount, warnings: result.warningCount, baselined: 0, ignored: 0 },
    cwd: dir,
    color: false,
    toolVersion: 'bench',
    notices: [],
    traces: read.traces,
  };
  console.log(`${spans} spans in ${read.traces.traces.size} traces, ${result.diagnostics.length} findings; best of 3 runs each`);
  console.log(`lint     ${lintBest.toFixed(0).padStart(6)} ms`);
  let reference;
  for (const name of ['json', 'markdown', 'html']) {
    let best = Infinity;
    let bytes = 0;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const text = REPORTERS[name](input);
      best = Math.min(best, performance.now() - started);
      bytes = Buffer.byteLength(text);
    }
    reference ??= best;
    console.log(`${name.padEnd(8)} ${best.toFixed(0).padStart(6)} ms  ${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${(best / reference).toFixed(2)}x json  ${(best / lintBest).toFixed(2)}x lint`);
  }
  if (process.argv.includes('--browser')) await openInBrowser(input, read);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Time to the viewer's first drawing, against a page that only parses the same JSON. */
async function openInBrowser(input, read) {
  const { launchChromium } = await import('../scripts/chromium.mjs');
  const pages = {
    'check report': REPORTERS.html(input),
    'traceview --all': traceViewPage(read.traces, [...read.traces.traces.values()], input.summary.inputs, [], dir, 'bench'),
  };
  const browser = await launchChromium();
  try {
    for (const [name, html] of Object.entries(pages)) {
      const file = path.join(dir, 'page.html');
      const reference = path.join(dir, 'reference.html');
      writeFileSync(file, html);
      const json = /<script type="application\/json" id="tracelint-data">([^<]*)<\/script>/.exec(html)[1];
      writeFileSync(reference, `<!DOCTYPE html><title>x</title><body><script type="application/json" id="d">${json}</script><script>JSON.parse(document.getElementById('d').textContent); document.body.append(Object.assign(document.createElement('header'), { id: 'done' }));</script>`);
      const timed = async (url, selector) => {
        let best = Infinity;
        for (let round = 0; round < 3; round++) {
          const page = await browser.context.newPage();
          const started = performance.now();
          await page.goto(url, { timeout: 120_000 });
          await page.waitForSelector(selector, { state: 'attached', timeout: 120_000 });
          best = Math.min(best, performance.now() - started);
          await page.close();
        }
        return best;
      };
      const viewer = await timed(pathToFileURL(file).href, '#app > header');
      const parse = await timed(pathToFileURL(reference).href, '#done');
      console.log(`chromium ${name}: ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB, drawn in ${viewer.toFixed(0)} ms; the same JSON parsed alone ${parse.toFixed(0)} ms; ${(viewer / parse).toFixed(2)}x`);
    }
  } finally {
    await browser.close();
  }
}
