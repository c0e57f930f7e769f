import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTracelint } from '../support/cli.js';

/**
 * Sharded checks from the command line: `check --shard k/n --shard-out` on
 * each shard, `merge` over the shard files, and the report of one check over
 * everything — byte for byte, in every reporter that does not print paths of
 * its own, and with the same exit code.
 */
const REAL_WORLD = fileURLToPath(new URL('../../../shared/fixtures/real-world', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const INPUTS = [path.join(REAL_WORLD, 'otlp-jsonl/otel-tui__test_data.json'), path.join(FIXTURES, 'checkout-broken.otlp.jsonl'), path.join(REAL_WORLD, 'zipkin')];

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tracelint-merge-'));
}

describe('tracelint merge', () => {
  it.each([2, 3])('%i shards by trace id, merged, report what one check reports', async (n) => {
    const dir = tempDir();
    const shards: string[] = [];
    for (let k = 1; k <= n; k++) {
      const file = path.join(dir, `shard-${k}.json`);
      const run = await runTracelint(['check', ...INPUTS, '--shard', `${k}/${n}`, '--shard-out', file]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`wrote the first stage of`);
      shards.push(file);
    }
    for (const reporter of ['json', 'stylish', 'sarif', 'junit', 'github']) {
      const whole = await runTracelint(['check', ...INPUTS, '--reporter', reporter]);
      const merged = await runTracelint(['merge', ...shards, '--reporter', reporter]);
      expect(merged.code).toBe(whole.code);
      expect(merged.stdout).toBe(whole.stdout);
    }
  });

  it('the shards hold the traces between them once: their spans add up to the input', async () => {
    const dir = tempDir();
    let spans = 0;
    for (let k = 1; k <= 2; k++) {
      const file = path.join(dir, `${k}.json`);
      await runTracelint(['check', INPUTS[1]!, '--shard', `${k}/2`, '--shard-out', file]);
      spans += (JSON.parse(readFileSync(file, 'utf8')) as { run: { spans: number } }).run.spans;
    }
    expect(spans).toBe(56);
  });

  it('rule settings and baselines apply at the merge', async () => {
    const dir = tempDir();
    const shard = path.join(dir, 'all.json');
    await runTracelint(['check', INPUTS[1]!, '--shard-out', shard]);
    const all = await runTracelint(['merge', shard]);
    expect(all.code).toBe(1);
    const off = await runTracelint(['merge', shard, '--rule', 'lost-propagation=off,pii=off']);
    expect(off.code).toBe(0);
    const baseline = path.join(dir, 'baseline.json');
    await runTracelint(['merge', shard, '--baseline', baseline, '--update-baseline']);
    expect((await runTracelint(['merge', shard, '--baseline', baseline])).code).toBe(0);
  });

  it.each([
    [['--shard', '0/2'], /--shard 0\/2: expected k\/n/],
    [['--shard', '3/2'], /--shard 3\/2: expected k\/n/],
    [['--shard-out', 'x.json', '--expect', 'specs.yaml'], /--shard-out cannot be used with --expect/],
  ])('check %j is a usage error (exit 2)', async (args, message) => {
    const run = await runTracelint(['check', INPUTS[1]!, ...args], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('a file that is not a shard, or is broken JSON, is named with what was expected (exit 2)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'other.json'), '{"resourceSpans": []}');
    writeFileSync(path.join(dir, 'broken.json'), '{"tracelintShard": 2,\n ]');
    const other = await runTracelint(['merge', 'other.json'], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toBe('tracelint: other.json: not a tracelint shard file (expected {"tracelintShard": 2, …}); write one with tracelint check --shard-out\n');
    const broken = await runTracelint(['merge', 'broken.json'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^tracelint: broken\.json:2:2: invalid JSON/);
    const missing = await runTracelint(['merge', 'nope.json'], { cwd: dir });
    expect(missing.stderr).toMatch(/nope\.json: cannot read the shard file \(ENOENT\)/);
  });
});
