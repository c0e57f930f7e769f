import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../formats/errors.js';
import { parseDocument } from '../formats/json.js';
import { lintShards } from '../lint/engine.js';
import { shardFromJson, type ShardRun } from '../lint/shard-file.js';
import { addLintOptions, prepareCheck, reportLint, type CheckOptions } from './check.js';
import { UsageError } from './errors.js';
import type { CommandRegistrar } from './run.js';

/**
 * `tracelint merge`: the second stage over shard files written by `check
 * --shard-out` or `receive --shard-out` (shards of disjoint traces, routed by
 * trace id): the cross-trace rules on their merged summaries, every finding
 * joined, one report, the exit code of one run over all their traces.
 */
export const registerMerge: CommandRegistrar = (program: Command, io, exit) => {
  const merge = program
    .command('merge')
    .description('merge shard files (check --shard-out) into one report: the cross-trace rules run on their merged summaries')
    .argument('<shards...>', 'shard files written by tracelint check --shard-out or receive --shard-out');
  addLintOptions(merge).action(async (files: string[], options: CheckOptions) => {
    if ((options.expect?.length ?? 0) > 0) throw new UsageError('merge takes no --expect: spec files are checked by check or receive on the traces themselves');
    if (options.shardOut !== undefined) throw new UsageError('merge writes a report, not a shard: leave out --shard-out');
    const { config } = await prepareCheck(options, io);
    const shards = await Promise.all(files.map((file) => readShard(path.resolve(io.cwd, file), file)));
    const result = lintShards(
      shards.map(({ shard }) => shard),
      config,
    );
    const run: ShardRun = {
      inputs: sameInputsOnce(shards.flatMap(({ run }) => run.inputs)),
      traces: shards.reduce((sum, { run }) => sum + run.traces, 0),
      spans: shards.reduce((sum, { run }) => sum + run.spans, 0),
      // Shards cut from one input (--shard k/n) each read it, and each said the same of it.
      notices: [...new Map(shards.flatMap(({ run }) => run.notices).map((n) => [JSON.stringify([n.level, n.message, n.file, n.line, n.column]), n])).values()],
    };
    exit(await reportLint({ result, run }, options, io));
  });
};

/** An input split across shards (check --shard k/n) is one input, with the spans of all its shards. */
function sameInputsOnce(inputs: ShardRun['inputs']): ShardRun['inputs'] {
  const byName = new Map<string, ShardRun['inputs'][number]>();
  for (const input of inputs) {
    const seen = byName.get(input.name);
    if (seen) seen.spans += input.spans;
    else byName.set(input.name, { ...input });
  }
  return [...byName.values()];
}

async function readShard(file: string, shown: string): Promise<ReturnType<typeof shardFromJson>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(shown, `cannot read the shard file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Our own parser names the line and column of the mistake.
    value = parseDocument(text, shown).value;
  }
  return shardFromJson(value, shown);
}
