/// <reference lib="dom" />
import type { FindingData, MarkData, RuleData, SpanData, TraceData, ViewerData } from './data.js';

/**
 * The report's viewer, run by the browser from the page's one inline script.
 * page.ts copies every class and function exported here into that script as
 * source text, so they may use only each other and the DOM: no imports at run
 * time (types only) and no values at module level.
 *
 * Safety: text from the data is only ever set as textContent or as an attribute
 * value (title, aria-label); nothing is parsed as HTML. Links point only at the
 * rules' documentation (https URLs made by tracelint, checked again here).
 */
export function startViewer(): void {
  const source = document.getElementById('tracelint-data');
  const root = document.getElementById('app');
  if (!source || !root) return;
  const data = JSON.parse(source.textContent ?? '{}') as ViewerData;
  new Viewer(data, root).start();
}

/** Element with a class and text, appended children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const child of children) node.append(child);
  return node;
}

export function button(text: string, className: string, onClick: (event: MouseEvent) => void, label?: string): HTMLButtonElement {
  const node = el('button', className, text);
  node.type = 'button';
  if (label) node.setAttribute('aria-label', label);
  node.addEventListener('click', onClick);
  return node;
}

/** A duration in ns as model/time's formatDuration writes it (a test keeps the two equal). */
export function formatNs(ns: number): string {
  const sign = ns < 0 ? '-' : '';
  const n = Math.abs(ns);
  const trim = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
  const minute = 60e9;
  const hour = 60 * minute;
  const day = 24 * hour;
  if (n >= 2 * day) return `${sign}${trim(n / day)}d`;
  if (n >= hour) return `${sign}${trim(n / hour)}h`;
  if (n >= minute) return `${sign}${trim(n / minute)}min`;
  if (n >= 1e9) return `${sign}${trim(n / 1e9)}s`;
  if (n >= 1e6) return `${sign}${trim(n / 1e6)}ms`;
  if (n >= 1e3) return `${sign}${trim(n / 1e3)}µs`;
  return `${sign}${Math.round(n)}ns`;
}

/**
 * Service colours: each at least 3:1 against the row background (WCAG's contrast for
 * graphics; a test checks), none of them the red of ERROR. A service keeps its colour
 * across traces (a hash of its name, as the terminal theme does).
 */
export function serviceColors(): string[] {
  return ['#1f5fa8', '#2e7d32', '#6a3d9a', '#a14f00', '#00796b', '#7b4b3a', '#ad1457', '#5b6b00', '#455a64', '#0b6e99'];
}

export function serviceColor(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  const colors = serviceColors();
  return colors[hash % colors.length]!;
}

export function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** The one page-wide state: filters, waterfalls drawn, the span shown. */
export class Viewer {
  readonly rules = new Map<string, RuleData>();
  readonly marks = new Map<string, MarkData>();
  readonly traces = new Map<string, TraceData>();
  readonly waterfalls = new Map<string, Waterfall>();
  /** Findings by trace id and span id, for badges and details. */
  readonly findingsOfSpan = new Map<string, FindingData[]>();
  private filters = { error: true, warn: true, rule: '', service: '', text: '' };
  private findingsShown = 500;
  private findingsList!: HTMLElement;
  private findingsCount!: HTMLElement;
  private waterfallsSection!: HTMLElement;
  private traceCounter = 0;
  /** Waterfalls draw their rows once they come near the screen: a page of a thousand traces opens at once. */
  private readonly nearScreen = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) if (entry.isIntersecting) this.byElement.get(entry.target)?.activate();
    },
    { rootMargin: '600px 0px' },
  );
  private readonly byElement = new Map<Element, Waterfall>();

  constructor(
    readonly data: ViewerData,
    private readonly root: HTMLElement,
  ) {
    for (const rule of data.rules) this.rules.set(rule.id, rule);
    for (const mark of data.marks) this.marks.set(mark.id, mark);
    for (const trace of data.traces) this.traces.set(trace.id, trace);
    for (const finding of data.findings) {
      // A grouped finding marks every span it names (its own, then the other occurrences).
      const places = [{ traceId: finding.traceId, spanId: finding.spanId }, ...(finding.occurrences ?? [])];
      for (const key of new Set(places.filter((place) => place.traceId !== undefined && place.spanId !== undefined).map((place) => `${place.traceId}/${place.spanId}`))) {
        const list = this.findingsOfSpan.get(key) ?? [];
        list.push(finding);
        this.findingsOfSpan.set(key, list);
      }
    }
  }

  start(): void {
    this.root.append(this.header());
    const main = el('main');
    if (this.data.mode === 'check') main.append(this.summary(), this.findings());
    this.waterfallsSection = el('section', 'waterfalls', undefined, el('h2', '', 'Waterfalls'));
    this.waterfallsSection.id = 'waterfalls';
    main.append(this.waterfallsSection, this.traceList());
    this.root.append(main);
    const open = this.data.traces.filter((trace) => trace.open && trace.spans);
    if (open.length === 0) this.waterfallsSection.append(el('p', 'muted', this.data.mode === 'check' ? 'No trace has findings: pick one from the list below to draw it, where the page holds its spans.' : 'No trace chosen.'));
    for (const trace of open) this.waterfall(trace);
    this.renderFindings();
    this.followHash();
  }

  private header(): HTMLElement {
    const { data } = this;
    const header = el('header', 'top');
    header.append(el('h1', '', data.mode === 'check' ? 'tracelint report' : 'tracelint trace view'));
    if (data.outcome) {
      const { exitCode, reasons } = data.outcome;
      const symbol = exitCode === 0 ? '✔' : '✖';
      header.append(el('p', `status exit-${exitCode}`, `${symbol} exit ${exitCode}: ${reasons.length > 0 ? reasons.join('; ') : 'passed'}`));
    }
    const inputs = data.summary.inputs;
    header.append(el('p', 'muted', `tracelint ${data.toolVersion} · ${plural(inputs.length, 'input')} · ${plural(data.summary.traces, 'trace')} · ${plural(data.summary.spans, 'span')}`));
    for (const note of data.notes) header.append(el('p', 'note', note));
    header.append(
      el('p', 'muted keys', 'Keys: Tab to a waterfall, then ↑ ↓ to move, → ← to open and close, Home/End, Z to zoom to the span, + − to zoom, 0 to reset. Drag across the time axis to zoom into a range.'),
    );
    return header;
  }

  private summary(): HTMLElement {
    const { summary } = this.data;
    const section = el('section', 'summary', undefined, el('h2', '', 'Summary'));
    section.id = 'summary';
    const stats = el('dl', 'stats');
    const stat = (label: string, value: number, className = ''): void => {
      stats.append(el('div', `stat ${className}`, undefined, el('dt', '', label), el('dd', '', value.toLocaleString('en-US'))));
    };
    stat('traces', summary.traces);
    stat('spans', summary.spans);
    stat('services', summary.services);
    stat('errors', summary.errors, summary.errors > 0 ? 'sev-error' : '');
    stat('warnings', summary.warnings, summary.warnings > 0 ? 'sev-warn' : '');
    stat('in baseline', summary.baselined);
    stat('ignored', summary.ignored);
    section.append(stats);

    const tables = el('div', 'tables');
    tables.append(table('Inputs', ['input', 'format', 'spans'], summary.inputs.map((input) => [input.name, input.format, input.spans.toLocaleString('en-US')])));
    const byRule = new Map<string, { error: number; warn: number; spans: number }>();
    const byService = new Map<string, { error: number; warn: number }>();
    for (const finding of this.data.findings) {
      const rule = byRule.get(finding.rule) ?? { error: 0, warn: 0, spans: 0 };
      byRule.set(finding.rule, rule);
      rule[finding.severity]++;
      rule.spans += finding.spans;
      const name = finding.service ?? '(none)';
      const service = byService.get(name) ?? { error: 0, warn: 0 };
      byService.set(name, service);
      service[finding.severity]++;
    }
    const ruleTable = table('Findings by rule', ['rule', 'errors', 'warnings', 'spans', 'what it finds'], []);
    const body = ruleTable.querySelector('tbody')!;
    for (const [id, counts] of [...byRule].sort((a, b) => b[1].error - a[1].error || b[1].warn - a[1].warn)) {
      const rule = this.rules.get(id);
      const row = el('tr');
      const name = el('td');
      name.append(button(id, 'linkish', () => this.setFilter({ rule: id }), `show the findings of ${id}`));
      const about = el('td');
      if (rule) {
        const details = el('details', '', undefined, el('summary', '', rule.summary), el('p', '', rule.why), el('p', '', `How to fix: ${rule.fix}`));
        const link = docsLink(rule);
        if (link) details.append(el('p', '', undefined, link));
        about.append(details);
      }
      row.append(name, el('td', 'num', String(counts.error)), el('td', 'num', String(counts.warn)), el('td', 'num', String(counts.spans)), about);
      body.append(row);
    }
    tables.append(ruleTable);
    tables.append(
      table(
        'Findings by service',
        ['service', 'errors', 'warnings'],
        [...byService].sort((a, b) => b[1].error - a[1].error || b[1].warn - a[1].warn).map(([service, counts]) => [service, String(counts.error), String(counts.warn)]),
      ),
    );
    section.append(tables);
    return section;
  }

  private findings(): HTMLElement {
    const section = el('section', 'findings', undefined, el('h2', '', 'Findings'));
    section.id = 'findings';
    const form = el('form', 'filters');
    form.setAttribute('role', 'search');
    form.addEventListener('submit', (event) => event.preventDefault());
    const count = (severity: 'error' | 'warn'): number => this.data.findings.filter((finding) => finding.severity === severity).length;
    for (const severity of ['error', 'warn'] as const) {
      const box = el('input');
      box.type = 'checkbox';
      box.checked = true;
      box.id = `filter-${severity}`;
      box.addEventListener('change', () => this.setFilter({ [severity]: box.checked }));
      const label = el('label', `check sev-${severity}`, undefined, box, `${severityText(severity)} (${count(severity)})`);
      form.append(label);
    }
    const select = (id: string, label: string, values: string[], key: 'rule' | 'service'): HTMLSelectElement => {
      const node = el('select');
      node.id = id;
      node.append(el('option', '', `all ${label}s`));
      (node.firstChild as HTMLOptionElement).value = '';
      for (const value of values) {
        const option = el('option', '', value);
        option.value = value;
        node.append(option);
      }
      node.addEventListener('change', () => this.setFilter({ [key]: node.value }));
      form.append(el('label', '', `${label} `, node));
      return node;
    };
    select('filter-rule', 'rule', [...new Set(this.data.findings.map((finding) => finding.rule))].sort(), 'rule');
    select('filter-service', 'service', [...new Set(this.data.findings.flatMap((finding) => (finding.service === undefined ? [] : [finding.service])))].sort(), 'service');
    const search = el('input');
    search.type = 'search';
    search.id = 'filter-text';
    search.placeholder = 'message, span, id…';
    search.addEventListener('input', () => this.setFilter({ text: search.value }));
    form.append(el('label', '', 'search ', search));
    this.findingsCount = el('output', 'count');
    this.findingsCount.setAttribute('aria-live', 'polite');
    form.append(this.findingsCount);
    this.findingsList = el('div', 'finding-groups');
    section.append(form, this.findingsList);
    return section;
  }

  setFilter(change: Partial<{ error: boolean; warn: boolean; rule: string; service: string; text: string }>): void {
    this.filters = { ...this.filters, ...change };
    this.findingsShown = 500;
    // Keep the controls in step when a filter is set from elsewhere (the rule table).
    const rule = document.getElementById('filter-rule') as HTMLSelectElement | null;
    if (rule && change.rule !== undefined) {
      rule.value = change.rule;
      document.getElementById('findings')?.scrollIntoView({ block: 'start' });
    }
    this.renderFindings();
  }

  private matches(finding: FindingData): boolean {
    const { filters } = this;
    if (!filters[finding.severity]) return false;
    if (filters.rule && finding.rule !== filters.rule) return false;
    if (filters.service && finding.service !== filters.service) return false;
    if (!filters.text) return true;
    const span = this.spanOf(finding.traceId, finding.spanId);
    const trace = finding.traceId === undefined ? undefined : this.traces.get(finding.traceId);
    const haystack = [finding.message, finding.rule, finding.traceId, trace?.displayId, finding.spanId, finding.service, finding.location, span?.name].join('\u0000').toLowerCase();
    return haystack.includes(filters.text.toLowerCase());
  }

  private renderFindings(): void {
    if (!this.findingsList) return;
    const shown = this.data.findings.filter((finding) => this.matches(finding));
    this.findingsCount.textContent = `${shown.length} of ${plural(this.data.findings.length, 'finding')}`;
    this.findingsList.replaceChildren();
    if (this.data.findings.length === 0) {
      this.findingsList.append(el('p', 'muted', 'No findings.'));
      return;
    }
    if (shown.length === 0) {
      this.findingsList.append(el('p', 'muted', 'No finding matches the filters.'));
      return;
    }
    // Grouped by trace, in the order the traces are listed (most errors first).
    const order = new Map(this.data.traces.map((trace, i) => [trace.id, i]));
    const groups = new Map<string, FindingData[]>();
    for (const finding of shown.slice(0, this.findingsShown)) {
      const key = finding.traceId ?? '';
      const list = groups.get(key) ?? [];
      list.push(finding);
      groups.set(key, list);
    }
    const keys = [...groups.keys()].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
    for (const key of keys) {
      const trace = this.traces.get(key);
      const group = el('section', 'fgroup');
      const heading = el('h3');
      if (key === '') heading.textContent = 'Across traces';
      else {
        heading.append('Trace ', el('code', '', trace?.displayId ?? key), trace?.root ? `  ${trace.root}` : '');
        if (trace?.spans) heading.append(' ', button('waterfall ↓', 'small', () => this.reveal(key, undefined)));
      }
      const list = el('ul');
      for (const finding of groups.get(key)!) list.append(this.findingItem(finding));
      group.append(heading, list);
      this.findingsList.append(group);
    }
    if (shown.length > this.findingsShown) {
      this.findingsList.append(
        button(`Show ${Math.min(500, shown.length - this.findingsShown)} more of ${shown.length - this.findingsShown}`, 'more', () => {
          this.findingsShown += 500;
          this.renderFindings();
        }),
      );
    }
  }

  private findingItem(finding: FindingData): HTMLElement {
    const item = el('li', `finding sev-${finding.severity}`);
    item.append(el('span', 'sev', severityText(finding.severity)));
    const rule = this.rules.get(finding.rule);
    const link = rule ? docsLink(rule, finding.rule) : undefined;
    item.append(link ?? el('span', 'rule', finding.rule));
    const message = button(finding.message, 'msg', () => this.reveal(finding.traceId, finding.spanId));
    message.title = finding.traceId ? 'show in the waterfall' : '';
    item.append(message);
    const span = this.spanOf(finding.traceId, finding.spanId);
    const where = [finding.service, span ? `${span.name} (${finding.spanId})` : finding.spanId, finding.location, finding.spans > 1 ? `×${finding.spans} spans` : undefined].filter((part) => part !== undefined && part !== '');
    item.append(el('span', 'where', where.join(' · ')));
    const others = (finding.occurrences ?? []).filter((place) => place.traceId !== finding.traceId || place.spanId !== finding.spanId);
    if (others.length > 0) {
      const list = el('ul', 'occurrences');
      for (const place of others) {
        const target = place.traceId === undefined ? undefined : this.traces.get(place.traceId);
        const text = [target?.displayId ?? place.traceId, place.spanId, place.location].filter(Boolean).join(' · ');
        list.append(el('li', '', undefined, target?.spans ? button(text, 'linkish', () => this.reveal(place.traceId, place.spanId)) : text));
      }
      const more = finding.spans - 1 - others.length;
      if (more > 0) list.append(el('li', 'muted', `and ${plural(more, 'more span')}`));
      item.append(el('details', 'where', undefined, el('summary', '', `also seen on ${plural(finding.spans - 1, 'other span')}`), list));
    }
    return item;
  }

  spanOf(traceId: string | undefined, spanId: string | undefined): SpanData | undefined {
    if (traceId === undefined || spanId === undefined) return undefined;
    return this.traces.get(traceId)?.spans?.find((span) => span.id === spanId);
  }

  /** Draws a trace's waterfall (once) and returns it. */
  waterfall(trace: TraceData): Waterfall | undefined {
    if (!trace.spans) return undefined;
    let waterfall = this.waterfalls.get(trace.id);
    if (!waterfall) {
      waterfall = new Waterfall(this, trace, `t${this.traceCounter++}`);
      this.waterfalls.set(trace.id, waterfall);
      this.waterfallsSection.querySelector(':scope > p.muted')?.remove();
      this.waterfallsSection.append(waterfall.section);
      this.byElement.set(waterfall.section, waterfall);
      this.nearScreen.observe(waterfall.section);
      const draw = document.getElementById(`draw-${trace.id}`);
      if (draw) draw.textContent = 'go to';
    }
    return waterfall;
  }

  /** Scrolls to a trace's waterfall and, given a span, opens its ancestors, selects and highlights it. */
  reveal(traceId: string | undefined, spanId: string | undefined): void {
    if (traceId === undefined) return;
    const trace = this.traces.get(traceId);
    if (!trace) return;
    const waterfall = this.waterfall(trace);
    if (!waterfall) {
      document.getElementById(`list-${traceId}`)?.scrollIntoView({ block: 'center' });
      return;
    }
    waterfall.activate();
    waterfall.section.scrollIntoView({ block: 'start' });
    // One span is highlighted on the page: the last one a finding (or a link) pointed at.
    for (const other of this.waterfalls.values()) if (other !== waterfall) other.clearHighlight();
    if (spanId !== undefined) waterfall.highlight(spanId);
    else waterfall.focus();
    history.replaceState(null, '', `#span=${encodeURIComponent(traceId)}${spanId ? `/${encodeURIComponent(spanId)}` : ''}`);
  }

  /** #span=<trace>/<span> opens that span, so a link to the report can point at one. */
  private followHash(): void {
    const match = /^#span=([^/]*)(?:\/(.*))?$/.exec(location.hash);
    if (!match) return;
    const traceId = decodeURIComponent(match[1] ?? '');
    this.reveal(traceId, match[2] === undefined ? undefined : decodeURIComponent(match[2]));
  }

  private traceList(): HTMLElement {
    const section = el('section', 'trace-list', undefined, el('h2', '', 'All traces'));
    section.id = 'traces';
    const counts = new Map<string, { error: number; warn: number }>();
    for (const finding of this.data.findings) {
      if (finding.traceId === undefined) continue;
      const count = counts.get(finding.traceId) ?? { error: 0, warn: 0 };
      counts.set(finding.traceId, count);
      count[finding.severity]++;
    }
    const check = this.data.mode === 'check';
    const list = table('', ['trace', 'root', 'spans', 'duration', 'ERROR spans', ...(check ? ['findings'] : []), ''], []);
    const body = list.querySelector('tbody')!;
    let shown = 0;
    const more = button('', 'more', () => addRows(500));
    const addRows = (n: number): void => {
      for (const trace of this.data.traces.slice(shown, shown + n)) {
        const count = counts.get(trace.id);
        const row = el('tr');
        row.id = `list-${trace.id}`;
        const action = el('td');
        if (trace.spans) {
          const draw = button(this.waterfalls.has(trace.id) ? 'go to' : 'draw', 'small', () => this.reveal(trace.id, undefined), `draw trace ${trace.displayId}`);
          draw.id = `draw-${trace.id}`;
          action.append(draw);
        } else action.append(el('span', 'muted', trace.notDrawn ?? ''));
        row.append(el('td', 'id', trace.displayId), el('td', '', trace.root), el('td', 'num', trace.spanCount.toLocaleString('en-US')), el('td', 'num', trace.duration), el('td', 'num', String(trace.errors)));
        if (check) row.append(el('td', 'num', count ? `${plural(count.error, 'error')}, ${plural(count.warn, 'warning')}` : ''));
        row.append(action);
        body.append(row);
      }
      shown = Math.min(this.data.traces.length, shown + n);
      more.textContent = `Show ${Math.min(500, this.data.traces.length - shown)} more of ${this.data.traces.length - shown}`;
      more.hidden = shown >= this.data.traces.length;
    };
    addRows(200);
    section.append(list, more);
    return section;
  }
}

export function severityText(severity: 'error' | 'warn'): string {
  return severity === 'error' ? '● error' : '▲ warning';
}

/** A link to a rule's docs: only an https URL, opened without referrer or opener. */
export function docsLink(rule: RuleData, text = 'documentation'): HTMLAnchorElement | undefined {
  if (!rule.url || !rule.url.startsWith('https://')) return undefined;
  const link = el('a', 'rule', text);
  link.href = rule.url;
  link.rel = 'noopener noreferrer';
  link.target = '_blank';
  link.title = `${rule.id}: ${rule.summary}`;
  return link;
}

export function table(caption: string, head: string[], rows: string[][]): HTMLTableElement {
  const node = el('table');
  if (caption) node.append(el('caption', '', caption));
  const headRow = el('tr');
  for (const cell of head) {
    const th = el('th', '', cell);
    th.scope = 'col';
    headRow.append(th);
  }
  node.append(el('thead', '', undefined, headRow));
  const body = el('tbody');
  for (const row of rows) body.append(el('tr', '', undefined, ...row.map((cell) => el('td', '', cell))));
  node.append(body);
  return node;
}

/**
 * One trace's waterfall: the span tree (collapsible), bars on a time axis that
 * can be zoomed, marks as symbols, and a details panel. Only the rows in view
 * are in the document (a 100k-span trace scrolls as fast as a small one).
 */
export class Waterfall {
  readonly section: HTMLElement;
  private readonly spans: SpanData[];
  private readonly collapsed = new Set<number>();
  /** Indexes of the spans not hidden under a collapsed one, and each row's top. */
  private visible: number[] = [];
  private tops: number[] = [];
  private selected = -1;
  private highlighted = -1;
  private window: [number, number];
  private readonly full: [number, number];
  // Built when the waterfall is first needed (activate), not for every trace on the page.
  private viewport!: HTMLElement;
  private spacer!: HTMLElement;
  private axis!: HTMLElement;
  private details!: HTMLElement;
  private zoomLabel!: HTMLElement;
  private selection!: HTMLElement;
  private readonly placeholder: HTMLElement;
  private readonly byId = new Map<string, number>();
  private renderQueued = false;
  private active = false;

  constructor(
    private readonly viewer: Viewer,
    private readonly trace: TraceData,
    private readonly key: string,
  ) {
    this.spans = trace.spans ?? [];
    this.spans.forEach((span, i) => {
      if (!this.byId.has(span.id)) this.byId.set(span.id, i);
    });
    let from = Infinity;
    let to = -Infinity;
    for (const span of this.spans) {
      if (span.start !== null && span.start < from) from = span.start;
      if (span.end !== null && span.end > to) to = span.end;
    }
    this.full = Number.isFinite(from) && to > from ? [from, to] : [0, 1];
    this.window = [...this.full];

    this.section = el('section', 'trace');
    this.section.id = `trace-${this.key}`;
    this.section.setAttribute('aria-label', `trace ${trace.displayId}`);
    const findings = viewer.data.findings.filter((finding) => finding.traceId === trace.id);
    const about = [trace.root, trace.duration, plural(trace.spanCount, 'span'), plural(trace.services.length, 'service'), trace.errors ? plural(trace.errors, 'ERROR span') : '', findings.length ? plural(findings.length, 'finding') : ''].filter(Boolean);
    this.section.append(el('h3', '', 'Trace ', el('code', '', trace.displayId)), el('p', 'muted', about.join(' · ')));
    // About the height the waterfall will take, so that the page does not jump as waterfalls are drawn.
    this.placeholder = el('div', 'wf-placeholder muted', 'drawing…');
    this.placeholder.style.height = `${Math.min(this.spans.length * 24, 600) + 90}px`;
    this.section.append(this.placeholder);
  }

  /** The toolbar, the waterfall frame, the details panel and the legend. */
  private build(): void {
    const { viewer, trace } = this;
    const toolbar = el('div', 'toolbar');
    toolbar.append(
      button('Expand all', 'small', () => this.setCollapsed([])),
      button('Collapse all', 'small', () => this.setCollapsed(this.spans.map((_, i) => i).filter((i) => this.hasChildren(i)))),
      button('Zoom out', 'small', () => this.zoomBy(2)),
      button('Reset zoom', 'small', () => this.zoomTo(this.full)),
    );
    this.zoomLabel = el('span', 'zoom-label');
    this.zoomLabel.setAttribute('aria-live', 'polite');
    toolbar.append(this.zoomLabel);
    const legend = el('span', 'services');
    for (const service of trace.services) {
      const swatch = el('span', 'swatch');
      swatch.style.background = serviceColor(service);
      legend.append(el('span', 'service-key', undefined, swatch, service));
    }
    toolbar.append(legend);
    const head = el('div', 'wf-head');
    this.axis = el('div', 'c-time axis');
    this.axis.title = 'drag to zoom into a time range';
    head.append(el('div', 'c-marks', 'marks'), el('div', 'c-name', 'span'), el('div', 'c-service', 'service'), this.axis, el('div', 'c-dur', 'duration'));
    this.spacer = el('div', 'wf-spacer');
    this.viewport = el('div', 'wf-viewport', undefined, this.spacer);
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('role', 'tree');
    this.viewport.setAttribute('aria-label', `spans of trace ${trace.displayId}`);
    this.selection = el('div', 'zoom-selection');
    this.selection.hidden = true;
    const frame = el('div', 'wf', undefined, head, this.viewport, this.selection);
    this.details = el('aside', 'details', undefined, el('p', 'muted', 'Select a span to see its fields, attributes, events, links and resource.'));
    this.details.setAttribute('aria-live', 'polite');
    this.details.setAttribute('aria-label', 'span details');
    const parts: HTMLElement[] = [toolbar, el('div', 'wf-body', undefined, frame, this.details)];

    const used = new Set(this.spans.flatMap((span) => span.marks));
    const marks = viewer.data.marks.filter((mark) => used.has(mark.id)).map((mark) => `${mark.symbol} ${mark.meaning}`);
    if (this.spans.some((span) => span.events.length > 0)) marks.push('◆ event');
    if (this.spans.some((span) => viewer.findingsOfSpan.has(`${trace.id}/${span.id}`))) marks.push('● ▲ findings on the span (error, warning)');
    if (marks.length > 0) parts.push(el('p', 'legend', marks.join('   ')));
    this.placeholder.replaceWith(...parts);

    this.viewport.addEventListener('scroll', () => this.queueRender());
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    this.dragToZoom(frame);
    this.layout();
  }

  private hasChildren(i: number): boolean {
    return (this.spans[i + 1]?.depth ?? -1) > this.spans[i]!.depth;
  }

  private parentIndex(i: number): number {
    const depth = this.spans[i]!.depth;
    for (let j = i - 1; j >= 0; j--) if (this.spans[j]!.depth < depth) return j;
    return -1;
  }

  /** Works out which rows show (collapse) and where each sits (rows with an error message are taller). */
  private layout(): void {
    this.visible = [];
    this.tops = [];
    let top = 0;
    for (let i = 0; i < this.spans.length; i++) {
      const span = this.spans[i]!;
      this.visible.push(i);
      this.tops.push(top);
      top += span.status === 'ERROR' && span.message ? 42 : 24;
      if (this.collapsed.has(i)) {
        let j = i + 1;
        while (j < this.spans.length && this.spans[j]!.depth > span.depth) j++;
        i = j - 1;
      }
    }
    this.spacer.style.height = `${top}px`;
    this.viewport.style.height = `${Math.min(top + 2, 600)}px`;
  }

  private setCollapsed(indexes: number[]): void {
    this.collapsed.clear();
    for (const i of indexes) this.collapsed.add(i);
    this.layout();
    this.keepSelectionVisible();
    this.render();
  }

  /** A selected span hidden by collapsing hands the selection to the ancestor that hides it. */
  private keepSelectionVisible(): void {
    while (this.selected >= 0 && !this.visible.includes(this.selected)) this.selected = this.parentIndex(this.selected);
  }

  private toggle(i: number, open?: boolean): void {
    const isOpen = !this.collapsed.has(i);
    if (open === isOpen || !this.hasChildren(i)) return;
    if (isOpen) this.collapsed.add(i);
    else this.collapsed.delete(i);
    this.layout();
    this.keepSelectionVisible();
    this.render();
  }

  /** Draws the rows the first time the waterfall is needed (near the screen, or revealed). */
  activate(): void {
    if (this.active) return;
    this.active = true;
    this.build();
    this.render();
  }

  private queueRender(): void {
    if (!this.active || this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  /** Draws the axis and the rows in view (plus a few either side). */
  render(): void {
    if (!this.active) return;
    this.drawAxis();
    const scroll = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 600;
    let first = this.rowAt(scroll) - 10;
    if (first < 0) first = 0;
    const last = Math.min(this.visible.length - 1, this.rowAt(scroll + height) + 10);
    const rows: HTMLElement[] = [];
    for (let v = first; v <= last; v++) rows.push(this.row(this.visible[v]!, v));
    this.spacer.replaceChildren(...rows);
    const [from, to] = this.window;
    this.zoomLabel.textContent = `showing ${formatNs(from - this.full[0])} – ${formatNs(to - this.full[0])} of ${formatNs(this.full[1] - this.full[0])}`;
    if (this.viewport.getAttribute('aria-activedescendant') && this.selected >= 0) this.viewport.setAttribute('aria-activedescendant', this.rowId(this.selected));
  }

  /** The visible row at a pixel offset (binary search over the rows' tops). */
  private rowAt(y: number): number {
    let low = 0;
    let high = this.tops.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.tops[mid]! <= y) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  private rowId(i: number): string {
    return `${this.key}-r${i}`;
  }

  private row(i: number, v: number): HTMLElement {
    const span = this.spans[i]!;
    const row = el('div', 'row');
    row.id = this.rowId(i);
    row.dataset.span = span.id;
    row.setAttribute('role', 'treeitem');
    row.setAttribute('aria-level', String(span.depth + 1));
    row.setAttribute('aria-selected', String(i === this.selected));
    if (this.hasChildren(i)) row.setAttribute('aria-expanded', String(!this.collapsed.has(i)));
    row.style.top = `${this.tops[v]}px`;
    if (span.status === 'ERROR') row.classList.add('is-error');
    if (span.status === 'ERROR' && span.message) row.classList.add('tall');
    if (span.marks.includes('critical')) row.classList.add('is-critical');
    if (i === this.selected) row.classList.add('selected');
    if (i === this.highlighted) row.classList.add('highlight');

    const marks = el('div', 'c-marks');
    for (const id of span.marks) {
      const mark = this.viewer.marks.get(id);
      if (!mark) continue;
      const symbol = el('span', `mark mark-${id}`, mark.symbol);
      symbol.title = mark.meaning;
      marks.append(symbol);
    }
    const findings = this.viewer.findingsOfSpan.get(`${this.trace.id}/${span.id}`);
    if (findings) {
      const errors = findings.filter((finding) => finding.severity === 'error').length;
      const badge = el('span', `fbadge ${errors > 0 ? 'sev-error' : 'sev-warn'}`, `${errors > 0 ? '●' : '▲'}${findings.length}`);
      badge.title = findings.map((finding) => `${finding.rule}: ${finding.message}`).join('\n');
      marks.append(badge);
    }
    const label = span.marks.map((id) => this.viewer.marks.get(id)?.meaning ?? id);
    if (findings) label.push(plural(findings.length, 'finding'));
    row.setAttribute('aria-label', `${span.name}, ${this.trace.services[span.service] ?? ''}, ${span.duration}${label.length ? `, ${label.join(', ')}` : ''}`);

    const name = el('div', 'c-name');
    // Indentation stops growing at 12 levels, so a deep chain still shows its names; deeper rows say their depth.
    name.style.paddingLeft = `${Math.min(span.depth, 12) * 0.8 + 0.2}em`;
    if (this.hasChildren(i)) {
      const toggle = el('span', 'toggle', this.collapsed.has(i) ? '▸' : '▾');
      toggle.setAttribute('aria-hidden', 'true');
      toggle.addEventListener('click', (event) => {
        event.stopPropagation();
        this.toggle(i);
      });
      name.append(toggle);
    } else name.append(el('span', 'toggle', ''));
    const text = el('span', 'nm', `${span.depth > 12 ? `[${span.depth}] ` : ''}${span.name || '(no name)'}`);
    text.title = span.name;
    name.append(text);
    if (span.status === 'ERROR' && span.message) name.append(el('div', 'errmsg', `error: ${span.message}`));

    const serviceName = this.trace.services[span.service] ?? '';
    const swatch = el('span', 'swatch');
    swatch.style.background = serviceColor(serviceName);
    const service = el('div', 'c-service', undefined, swatch, serviceName);
    service.title = serviceName;

    const time = el('div', 'c-time');
    const [from, to] = this.window;
    const x = (ns: number): number => ((ns - from) / (to - from)) * 100;
    if (span.start === null || span.end === null) {
      // No bar where a time is unknown: a marker at the time that is known, and words saying what is missing.
      const known = span.start ?? span.end;
      if (known !== null && known >= from && known <= to) {
        const marker = el('div', 'bar known-end');
        marker.style.left = `${x(known)}%`;
        marker.style.background = serviceColor(serviceName);
        time.append(marker);
      }
      const note = el('span', 'notime', span.start === null && span.end === null ? 'no time' : span.end === null ? 'no end time' : 'no start time');
      if (known !== null && x(known) < 60) note.style.left = `calc(${Math.max(0, x(known))}% + 6px)`;
      time.append(note);
    }
    else if (span.end >= from && span.start <= to) {
      const bar = el('div', 'bar');
      bar.style.left = `${Math.max(0, x(span.start))}%`;
      bar.style.width = `${Math.max(0, Math.min(100, x(span.end)) - Math.max(0, x(span.start)))}%`;
      if (span.status !== 'ERROR') bar.style.background = serviceColor(serviceName);
      time.append(bar);
      for (const [start, end] of span.critical ?? []) {
        if (end < from || start > to) continue;
        const stretch = el('div', 'cp');
        stretch.style.left = `${Math.max(0, x(start))}%`;
        stretch.style.width = `${Math.max(0, Math.min(100, x(end)) - Math.max(0, x(start)))}%`;
        time.append(stretch);
      }
      for (const event of span.events) {
        if (event.at === null || event.at < from || event.at > to) continue;
        const dot = el('span', 'ev', '◆');
        dot.style.left = `${x(event.at)}%`;
        dot.title = `${event.name} at +${formatNs(event.at - (span.start ?? 0))}`;
        time.append(dot);
      }
    }
    row.append(marks, name, service, time, el('div', 'c-dur', span.duration));
    row.addEventListener('click', () => this.select(i, true));
    return row;
  }

  private drawAxis(): void {
    const [from, to] = this.window;
    const ticks: HTMLElement[] = [];
    for (let t = 0; t <= 4; t++) {
      const tick = el('span', `tick tick-${t}`, formatNs(from - this.full[0] + ((to - from) * t) / 4));
      tick.style.left = `${t * 25}%`;
      ticks.push(tick);
    }
    this.axis.replaceChildren(...ticks);
  }

  /** Selects a span: its row is marked, scrolled into view, and its details shown. */
  select(i: number, focus: boolean): void {
    this.activate();
    this.selected = i;
    this.scrollTo(i);
    this.render();
    this.viewport.setAttribute('aria-activedescendant', this.rowId(i));
    if (focus) this.viewport.focus({ preventScroll: true });
    this.showDetails(i);
  }

  focus(): void {
    this.activate();
    this.viewport.focus({ preventScroll: true });
  }

  /** From a finding: opens the span's ancestors, selects it and marks it until the next one. */
  highlight(spanId: string): void {
    const i = this.byId.get(spanId);
    if (i === undefined) return;
    this.activate();
    for (let up = this.parentIndex(i); up >= 0; up = this.parentIndex(up)) this.collapsed.delete(up);
    this.layout();
    this.highlighted = i;
    this.select(i, true);
  }

  clearHighlight(): void {
    if (this.highlighted < 0) return;
    this.highlighted = -1;
    this.render();
  }

  private scrollTo(i: number): void {
    const v = this.visible.indexOf(i);
    if (v < 0) return;
    const top = this.tops[v]!;
    const height = this.viewport.clientHeight || 600;
    if (top < this.viewport.scrollTop || top + 42 > this.viewport.scrollTop + height) this.viewport.scrollTop = Math.max(0, top - height / 3);
  }

  private onKey(event: KeyboardEvent): void {
    // The first key in a waterfall with nothing selected starts at its first row (selecting on focus
    // would redraw the rows between a mouse press and its click).
    if (this.selected < 0 && this.visible.length > 0) this.select(this.visible[0]!, false);
    const v = this.visible.indexOf(this.selected);
    const go = (to: number): void => {
      const next = this.visible[Math.max(0, Math.min(this.visible.length - 1, to))];
      if (next !== undefined) this.select(next, true);
    };
    const span = this.spans[this.selected];
    switch (event.key) {
      case 'ArrowDown':
        go(v + 1);
        break;
      case 'ArrowUp':
        go(v - 1);
        break;
      case 'PageDown':
        go(v + 20);
        break;
      case 'PageUp':
        go(v - 20);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(this.visible.length - 1);
        break;
      case 'ArrowRight':
        if (this.collapsed.has(this.selected)) this.toggle(this.selected, true);
        else if (this.hasChildren(this.selected)) go(v + 1);
        break;
      case 'ArrowLeft':
        if (this.hasChildren(this.selected) && !this.collapsed.has(this.selected)) this.toggle(this.selected, false);
        else if (this.parentIndex(this.selected) >= 0) this.select(this.parentIndex(this.selected), true);
        break;
      case 'Enter':
      case ' ':
        if (this.selected >= 0) this.showDetails(this.selected);
        break;
      case 'z':
      case 'Z':
        if (span && span.start !== null && span.end !== null && span.end > span.start) this.zoomTo([span.start, span.end]);
        break;
      case '+':
      case '=':
        this.zoomBy(0.5);
        break;
      case '-':
        this.zoomBy(2);
        break;
      case '0':
        this.zoomTo(this.full);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  zoomTo([from, to]: [number, number]): void {
    const [min, max] = this.full;
    const start = Math.max(min, Math.min(from, to));
    const end = Math.min(max, Math.max(from, to));
    this.window = end - start >= 1 ? [start, end] : [start, start + 1];
    this.render();
  }

  private zoomBy(factor: number): void {
    const [from, to] = this.window;
    const middle = (from + to) / 2;
    const half = ((to - from) * factor) / 2;
    this.zoomTo([middle - half, middle + half]);
  }

  /** Dragging across the time column (axis or bars) zooms into that range. */
  private dragToZoom(frame: HTMLElement): void {
    let startX = -1;
    const column = (): DOMRect => this.axis.getBoundingClientRect();
    const at = (x: number): number => {
      const rect = column();
      const share = Math.max(0, Math.min(1, (x - rect.left) / rect.width));
      return this.window[0] + share * (this.window[1] - this.window[0]);
    };
    frame.addEventListener('pointerdown', (event) => {
      const rect = column();
      if (event.button !== 0 || event.clientX < rect.left || event.clientX > rect.right) return;
      startX = event.clientX;
    });
    window.addEventListener('pointermove', (event) => {
      if (startX < 0) return;
      const rect = column();
      const frameRect = frame.getBoundingClientRect();
      const left = Math.max(rect.left, Math.min(startX, event.clientX));
      const right = Math.min(rect.right, Math.max(startX, event.clientX));
      if (right - left < 4) return;
      this.selection.hidden = false;
      this.selection.style.left = `${left - frameRect.left}px`;
      this.selection.style.width = `${right - left}px`;
    });
    window.addEventListener('pointerup', (event) => {
      if (startX < 0) return;
      const from = startX;
      startX = -1;
      this.selection.hidden = true;
      if (Math.abs(event.clientX - from) >= 4) {
        this.zoomTo([at(from), at(event.clientX)]);
        // The click that ends a drag does not select a row.
        frame.addEventListener('click', (click) => click.stopPropagation(), { capture: true, once: true });
      }
    });
  }

  private showDetails(i: number): void {
    const span = this.spans[i]!;
    const { viewer, trace } = this;
    const panel: Node[] = [];
    panel.push(el('h4', '', span.name || '(no name)'));
    const marks = span.marks.map((id) => viewer.marks.get(id)).filter((mark): mark is MarkData => mark !== undefined);
    if (marks.length > 0) panel.push(el('ul', 'marks', undefined, ...marks.map((mark) => el('li', `mark-${mark.id}`, `${mark.symbol} ${mark.meaning}`))));
    const actions = el('p', 'actions');
    if (span.start !== null && span.end !== null && span.end > span.start) actions.append(button('Zoom to span', 'small', () => this.zoomTo([span.start!, span.end!])));
    panel.push(actions);
    const findings = viewer.findingsOfSpan.get(`${trace.id}/${span.id}`) ?? [];
    if (findings.length > 0) {
      panel.push(el('h5', '', 'Findings'));
      panel.push(el('ul', 'span-findings', undefined, ...findings.map((finding) => el('li', `sev-${finding.severity}`, `${severityText(finding.severity)} ${finding.rule}: ${finding.message}`))));
    }
    const fields: Array<[string, string]> = [
      ['span id', span.id],
      ['parent id', span.parent ?? '(root)'],
      ['trace id', trace.displayId],
      ['kind', span.kind],
      ['service', trace.services[span.service] ?? ''],
      ['start', span.startText],
      ['duration', span.duration],
      ['status', span.message ? `${span.status}: ${span.message}` : span.status],
      ...span.fields,
    ];
    panel.push(pairsTable('Fields', fields));
    panel.push(pairsTable(`Attributes (${span.attributes.length})`, span.attributes));
    if (span.events.length > 0) {
      panel.push(el('h5', '', `Events (${span.events.length})`));
      for (const event of span.events) {
        const at = event.at === null ? 'no time' : `+${formatNs(event.at - (span.start ?? 0))}`;
        panel.push(pairsTable(`${event.name || '(unnamed)'} at ${at}`, event.attributes, 'event'));
      }
    }
    if (span.links.length > 0) {
      panel.push(el('h5', '', `Links (${span.links.length})`));
      for (const link of span.links) {
        const target = viewer.traces.get(link.traceId);
        const heading = el('p', 'link-head', `${link.kind} → trace `, el('code', '', link.traceId), ' span ', el('code', '', link.spanId));
        if (target?.spans) heading.append(' ', button('go', 'small', () => viewer.reveal(link.traceId, link.spanId), `go to span ${link.spanId} of trace ${link.traceId}`));
        panel.push(heading);
        if (link.attributes.length > 0) panel.push(pairsTable('link attributes', link.attributes, 'event'));
      }
    }
    panel.push(pairsTable('Resource', viewer.data.resources[span.resource] ?? []));
    this.details.replaceChildren(...panel);
  }
}

export function pairsTable(caption: string, rows: Array<[string, string]>, className = ''): HTMLElement {
  const node = el('table', `pairs ${className}`);
  node.append(el('caption', '', caption));
  const body = el('tbody');
  for (const [key, value] of rows) {
    const th = el('th');
    th.scope = 'row';
    // Long dotted keys (deployment.environment.name) wrap after a dot rather than mid-word.
    key.split(/(?<=\.)/).forEach((part, i) => {
      if (i > 0) th.append(el('wbr'));
      th.append(part);
    });
    body.append(el('tr', '', undefined, th, el('td', '', value)));
  }
  if (rows.length === 0) body.append(el('tr', '', undefined, el('td', 'muted', 'none')));
  node.append(body);
  return node;
}
