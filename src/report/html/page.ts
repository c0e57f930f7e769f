import { createHash } from 'node:crypto';
import type { ViewerData } from './data.js';
import { STYLE } from './style.js';
import * as viewer from './viewer.js';

/**
 * The self-contained page: one file with the stylesheet, the data and the
 * viewer script inline, and a Content-Security-Policy that forbids loading
 * anything (default-src 'none') and runs only that script and style (by their
 * hashes). The data sits in a `type="application/json"` script element, which
 * the browser never runs, with every `<`, `>` and `&` and U+2028/2029 written
 * as \u escapes: no `</script>` or `<!--` in the data can end or change the
 * element, and JSON.parse reads the same values back.
 */
export function htmlPage(data: ViewerData, title: string): string {
  const script = viewerScript();
  const csp = ["default-src 'none'", `script-src '${sha256(script)}'`, `style-src '${sha256(STYLE)}'`, "img-src 'none'", "font-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'"].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<noscript><p>This report draws itself with JavaScript. Its data is the JSON in the script element with id tracelint-data.</p></noscript>
<div id="app"></div>
<script type="application/json" id="tracelint-data">${embedJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** JSON that cannot end or alter the script element it sits in. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

let cached: string | undefined;

/** The viewer's classes and functions as one script, started once the page has loaded its data. */
export function viewerScript(): string {
  if (cached === undefined) {
    const parts = Object.values(viewer).filter((value): value is (...args: never[]) => unknown => typeof value === 'function').map((fn) => fn.toString());
    cached = `(() => {\n'use strict';\n${parts.join('\n')}\nstartViewer();\n})();`;
  }
  return cached;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
