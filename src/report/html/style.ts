/**
 * The report's stylesheet, inlined in the page (its hash is in the CSP).
 * Colours: text at least 4.5:1 on its background, bars and marks at least
 * 3:1 (WCAG 2.1 AA); a test computes the ratios of the pairs listed in
 * CONTRAST_PAIRS. Nothing relies on colour alone: marks are symbols, severities
 * have words and shapes, ERROR bars are hatched.
 */
export const COLORS = {
  text: '#1b1b1f',
  muted: '#4f5563',
  background: '#ffffff',
  panel: '#f5f6f8',
  border: '#c9ccd3',
  link: '#0b57d0',
  error: '#b3261e',
  errorBackground: '#fdecea',
  warn: '#7a4b00',
  warnBackground: '#fff4db',
  selected: '#dce8fb',
  highlight: '#fff1b8',
  highlightBorder: '#9a6700',
  critical: '#111111',
  focus: '#0b57d0',
};

/** [foreground, background, minimum ratio] pairs the page uses. */
export const CONTRAST_PAIRS: Array<[keyof typeof COLORS, keyof typeof COLORS, number]> = [
  ['text', 'background', 4.5],
  ['text', 'panel', 4.5],
  ['text', 'selected', 4.5],
  ['text', 'highlight', 4.5],
  ['muted', 'background', 4.5],
  ['muted', 'panel', 4.5],
  ['link', 'background', 4.5],
  ['link', 'panel', 4.5],
  ['error', 'background', 4.5],
  ['error', 'errorBackground', 4.5],
  ['error', 'selected', 4.5],
  ['warn', 'background', 4.5],
  ['warn', 'warnBackground', 4.5],
  ['critical', 'background', 3],
  ['highlightBorder', 'background', 3],
  ['focus', 'background', 3],
];

const c = COLORS;

export const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: ${c.text}; background: ${c.background}; }
code, .id, .pairs td, .c-dur, .tick { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
header.top, main { padding: 0 20px; max-width: 1600px; margin: 0 auto; }
header.top { padding-top: 12px; border-bottom: 1px solid ${c.border}; padding-bottom: 8px; }
h1 { font-size: 22px; margin: 4px 0; }
h2 { font-size: 18px; margin: 22px 0 8px; border-bottom: 1px solid ${c.border}; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 14px 0 4px; }
h4 { font-size: 15px; margin: 0 0 6px; overflow-wrap: anywhere; }
h5 { font-size: 13px; margin: 12px 0 4px; }
p { margin: 4px 0; }
a { color: ${c.link}; }
.muted { color: ${c.muted}; }
.note { background: ${c.warnBackground}; color: ${c.text}; border-left: 4px solid ${c.warn}; padding: 6px 10px; }
.status { display: inline-block; font-weight: 600; padding: 3px 10px; border-radius: 4px; border: 1px solid currentColor; }
.status.exit-0 { color: #1e6b2f; background: #e7f5ea; }
.status.exit-1, .status.exit-2 { color: ${c.error}; background: ${c.errorBackground}; }
.keys { font-size: 12.5px; }
:focus-visible { outline: 3px solid ${c.focus}; outline-offset: 1px; }
button { font: inherit; color: ${c.text}; background: ${c.panel}; border: 1px solid ${c.border}; border-radius: 4px; padding: 2px 8px; cursor: pointer; }
button:hover { border-color: ${c.muted}; }
button.small { font-size: 12.5px; padding: 1px 6px; }
button.linkish { background: none; border: none; color: ${c.link}; text-decoration: underline; padding: 0; }
button.more { margin: 8px 0; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 12px; }
.stat { background: ${c.panel}; border: 1px solid ${c.border}; border-radius: 6px; padding: 6px 14px; min-width: 110px; }
.stat dt { color: ${c.muted}; font-size: 12.5px; }
.stat dd { margin: 0; font-size: 20px; font-weight: 600; }
.stat.sev-error dd { color: ${c.error}; }
.stat.sev-warn dd { color: ${c.warn}; }
.tables { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
table { border-collapse: collapse; }
caption { text-align: left; font-weight: 600; padding: 2px 0 4px; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid ${c.border}; }
thead th { background: ${c.panel}; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td details summary { cursor: pointer; }
td details p { max-width: 60ch; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; background: ${c.panel}; border: 1px solid ${c.border}; border-radius: 6px; padding: 8px 12px; position: sticky; top: 0; z-index: 3; }
.filters select, .filters input[type=search] { font: inherit; padding: 2px 4px; border: 1px solid ${c.border}; border-radius: 4px; background: ${c.background}; color: ${c.text}; }
.filters input[type=search] { width: 18em; }
.filters .count { color: ${c.muted}; margin-left: auto; }
.check.sev-error { color: ${c.error}; font-weight: 600; }
.check.sev-warn { color: ${c.warn}; font-weight: 600; }
.fgroup h3 code { font-size: 13px; }
.fgroup ul { list-style: none; margin: 0; padding: 0; }
.finding { display: grid; grid-template-columns: 7.5em 13em 1fr; gap: 2px 10px; padding: 5px 6px; border-bottom: 1px solid ${c.border}; }
.finding .sev { font-weight: 600; }
.finding.sev-error .sev { color: ${c.error}; }
.finding.sev-warn .sev { color: ${c.warn}; }
.finding .rule { overflow-wrap: anywhere; }
.finding .msg { text-align: left; background: none; border: none; padding: 0; color: ${c.text}; overflow-wrap: anywhere; }
.finding .msg:hover { text-decoration: underline; }
.finding .occurrences { margin: 2px 0; padding-left: 18px; }
.finding .where { grid-column: 3; color: ${c.muted}; font-size: 12.5px; overflow-wrap: anywhere; }
section.trace { border: 1px solid ${c.border}; border-radius: 6px; padding: 4px 12px 10px; margin: 14px 0; }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
.zoom-label { color: ${c.muted}; font-size: 12.5px; margin: 0 8px; }
.services { display: flex; flex-wrap: wrap; gap: 4px 12px; }
.service-key { white-space: nowrap; font-size: 12.5px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: baseline; }
.wf-body { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 12px; align-items: start; }
@media (max-width: 1100px) { .wf-body { grid-template-columns: minmax(0, 1fr); } }
.wf { position: relative; min-width: 0; }
.wf-head, .row { display: grid; grid-template-columns: 3.6em minmax(10em, 30%) 8.5em minmax(0, 1fr) 5.2em; column-gap: 6px; align-items: start; }
.wf-head { border-bottom: 1px solid ${c.border}; color: ${c.muted}; font-size: 12.5px; height: 28px; align-items: end; padding-bottom: 2px; }
.axis { position: relative; height: 100%; cursor: col-resize; border-left: 1px solid ${c.border}; }
.tick { position: absolute; bottom: 4px; white-space: nowrap; line-height: 1.2; transform: translateX(-50%); }
.tick::after { content: ''; position: absolute; left: 50%; bottom: -4px; height: 4px; border-left: 1px solid ${c.muted}; }
.tick-0 { transform: none; }
.tick-0::after { left: 0; }
.tick-4 { transform: translateX(-100%); }
.tick-4::after { left: auto; right: 0; }
.wf-viewport { position: relative; overflow-y: auto; overflow-x: hidden; border-bottom: 1px solid ${c.border}; }
.wf-spacer { position: relative; }
.row { position: absolute; left: 0; right: 0; height: 24px; padding-top: 3px; cursor: pointer; border-bottom: 1px solid #eceef1; }
.row.tall { height: 42px; }
.row:hover { background: ${c.panel}; }
.row.selected { background: ${c.selected}; }
.row.highlight { background: ${c.highlight}; box-shadow: inset 0 0 0 2px ${c.highlightBorder}; }
.wf-viewport:focus-visible .row.selected { box-shadow: inset 0 0 0 2px ${c.focus}; }
.c-marks { white-space: nowrap; overflow: hidden; }
.mark { display: inline-block; min-width: 1.05em; text-align: center; }
.mark-error { color: ${c.error}; }
.mark-orphan, .mark-skew, .mark-lost, .mark-cycle { color: ${c.warn}; }
.fbadge { font-size: 11.5px; font-weight: 700; margin-left: 2px; }
.fbadge.sev-error { color: ${c.error}; }
.fbadge.sev-warn { color: ${c.warn}; }
.c-name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.c-name .toggle { display: inline-block; width: 1.1em; color: ${c.muted}; }
.row.is-error .nm { color: ${c.error}; font-weight: 600; }
.row.is-critical .nm { font-weight: 600; }
.errmsg { color: ${c.error}; font-size: 12.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding-left: 1.1em; }
.c-service { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 12.5px; }
.c-time { position: relative; height: 18px; overflow: hidden; }
.bar { position: absolute; top: 3px; height: 12px; min-width: 2px; border-radius: 2px; }
.row.is-error .bar { background: repeating-linear-gradient(135deg, ${c.error} 0 4px, #7f1d16 4px 7px); }
.cp { position: absolute; top: 13px; height: 4px; min-width: 1px; background: ${c.critical}; }
.ev { position: absolute; top: 0; font-size: 11px; line-height: 18px; transform: translateX(-50%); color: ${c.text}; text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.notime { position: absolute; top: 0; left: 2px; color: ${c.muted}; font-size: 12px; font-style: italic; white-space: nowrap; }
.bar.known-end { width: 2px; }
.c-dur { text-align: right; white-space: nowrap; }
.zoom-selection { position: absolute; top: 0; bottom: 0; background: rgba(11, 87, 208, 0.15); border: 1px solid ${c.focus}; pointer-events: none; }
.wf-placeholder { display: flex; align-items: center; justify-content: center; border: 1px dashed ${c.border}; border-radius: 4px; margin: 6px 0; }
.legend { color: ${c.muted}; font-size: 12.5px; margin-top: 6px; }
aside.details { background: ${c.panel}; border: 1px solid ${c.border}; border-radius: 6px; padding: 10px 12px; max-height: calc(100vh - 80px); overflow: auto; position: sticky; top: 64px; }
aside.details ul { margin: 4px 0; padding-left: 18px; }
.pairs { width: 100%; margin: 6px 0; }
.pairs th { font-weight: 600; width: 38%; overflow-wrap: break-word; }
.pairs td { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; }
.pairs.event caption { font-weight: 500; }
.span-findings li.sev-error { color: ${c.error}; }
.span-findings li.sev-warn { color: ${c.warn}; }
.link-head code { font-size: 12px; }
.trace-list td.id { font-family: ui-monospace, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
@media print { .filters { position: static; } .wf-viewport { height: auto !important; } }
`;
