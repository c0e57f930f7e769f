import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { progressWanted, startProgress } from '../../src/cli/progress.js';
import { groupThousands } from '../../src/render/numbers.js';
import { asTerminal, runTracelint, runTraceview } from '../support/cli.js';

const BROKEN = path.join(fileURLToPath(new URL('../../fixtures', import.meta.url)), 'checkout-broken.otlp.jsonl');
/** Show the spinner at once, so a small fixture is enough to see it. */
const NOW = { TRACELINT_PROGRESS_DELAY_MS: '0' };

describe('progress spinner', () => {
  it.each([
    ['an interactive stderr', { isTTY: true, columns: 80 }, {}, {}, true],
    ['stderr piped or redirected', { isTTY: false }, {}, {}, false],
    ['a terminal of no known width', { isTTY: true, columns: 0 }, {}, {}, false],
    ['in CI', { isTTY: true, columns: 80 }, { CI: 'true' }, {}, false],
    ['CI set to anything', { isTTY: true, columns: 80 }, { CI: '' }, {}, false],
    ['a dumb terminal', { isTTY: true, columns: 80 }, { TERM: 'dumb' }, {}, false],
    ['--quiet', { isTTY: true, columns: 80 }, {}, { quiet: true }, false],
    ['a machine format on stdout', { isTTY: true, columns: 80 }, {}, { machineOutput: true }, false],
  ])('%s -> %s', (_, stderr, env, options, wanted) => {
    expect(progressWanted({ stderr: stderr as never, env }, options)).toBe(wanted);
  });

  it('check shows bytes, spans and rate while reading, then the checking stage, on stderr only', async () => {
    const run = await runTracelint(['check', BROKEN, '--no-color'], { stderrTty: true, env: NOW });
    expect(run.stderr).toMatch(/reading .*checkout-broken\.otlp\.jsonl: \d+\.\d MB, [\d,]+ spans, \d+\.\d MB\/s/);
    expect(run.stderr).toMatch(/checking [\d,]+ spans in [\d,]+ traces/);
    expect(run.stdout).not.toMatch(/reading|checking/);
    expect(run.code).toBe(1);
  });

  it('a machine report written to a file still leaves the terminal its spinner', async () => {
    const run = await runTracelint(['check', BROKEN, '--reporter', 'json', '--output-file', path.join(mkdtempSync(path.join(tmpdir(), 'tracelint-progress-')), 'report.json')], { stderrTty: true, env: NOW });
    expect(run.stderr).toMatch(/checking [\d,]+ spans/);
  });

  it.each([
    ['CI', ['check', BROKEN], { CI: '1', ...NOW }],
    ['--quiet', ['check', BROKEN, '--quiet'], NOW],
    ['JSON on stdout', ['check', BROKEN, '--reporter', 'json'], NOW],
    ['SARIF on stdout', ['check', BROKEN, '--reporter', 'sarif'], NOW],
    ['stats --json', ['stats', BROKEN, '--json'], NOW],
  ])('nothing with %s', async (_, args, env) => {
    const run = await runTracelint(args, { stderrTty: true, env });
    expect(run.stderr).not.toMatch(/reading|checking/);
  });

  it('nothing when stderr is not a terminal', async () => {
    const run = await runTracelint(['check', BROKEN], { env: NOW });
    expect(run.stderr).not.toMatch(/reading|checking/);
  });

  it.each([0, 7, 999, 1000, 12345, 999999, 1000000, 29021, 3355444, 1234567890])('counts are grouped by thousands as en-US writes them (%i)', (count) => {
    expect(groupThousands(count)).toBe(count.toLocaleString('en-US'));
  });

  it('the checking stage shows how far it has come', async () => {
    const stderr = asTerminal(new PassThrough());
    let shown = '';
    stderr.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const progress = await startProgress({ stderr: stderr as never, env: NOW }, true);
    progress.stage('checking 10 spans in 4 traces');
    await sleep(120); // past the redraw interval
    progress.done(1, 4);
    progress.done(2, 4); // too soon after the last redraw: not drawn
    await sleep(120);
    progress.done(3, 4);
    progress.stop();
    expect(shown).toContain('checking 10 spans in 4 traces: 25%');
    expect(shown).not.toContain('50%');
    expect(shown).toContain('checking 10 spans in 4 traces: 75%');
  });

  it('traceview and stats tables show it too', async () => {
    expect((await runTraceview([BROKEN], { stderrTty: true, env: NOW })).stderr).toMatch(/reading .*spans/);
    expect((await runTracelint(['stats', BROKEN], { stderrTty: true, env: NOW })).stderr).toMatch(/reading .*spans/);
  });
});
