import type { Command } from 'commander';
import Table from 'cli-table3';
import { writeFileAtomic } from '../io/atomic-write.js';
import { CONFIG_FILE_NAME, defaultConfigText } from '../lint/config.js';
import { ruleMarkdown } from '../lint/docs.js';
import { RULES } from '../rules/index.js';
import { UsageError } from './errors.js';
import type { CommandRegistrar } from './run.js';
import { access } from 'node:fs/promises';
import path from 'node:path';

/** `tracelint rules`, `tracelint explain <rule>` and `tracelint init`: all made from the rules' metadata. */
export const registerRules: CommandRegistrar = (program: Command, io, exit) => {
  program
    .command('rules')
    .description('list every rule with its category, default severity and summary')
    .option('--json', 'print JSON for machines')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        const rows = RULES.map((rule) => ({ id: rule.id, category: rule.category, defaultSeverity: rule.defaultSeverity, scope: rule.scope, summary: rule.summary, options: rule.options }));
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const table = new Table({ head: ['rule', 'category', 'default', 'summary'], style: { head: [], border: [] }, wordWrap: true, colWidths: [28, 13, 9, 70] });
      for (const rule of RULES) table.push([rule.id, rule.category, rule.defaultSeverity, rule.summary]);
      io.stdout.write(`${table.toString()}\n${RULES.length} rules; \`tracelint explain <rule>\` prints one rule's documentation.\n`);
    });

  program
    .command('explain')
    .description("print a rule's documentation: why it matters, how to fix it, its options")
    .argument('<rule>', 'rule id, as `tracelint rules` lists it')
    .action((id: string) => {
      const rule = RULES.find((candidate) => candidate.id === id);
      if (!rule) throw new UsageError(`unknown rule "${id}"; \`tracelint rules\` lists them`);
      io.stdout.write(ruleMarkdown(rule));
    });

  program
    .command('init')
    .description(`write ${CONFIG_FILE_NAME} with every rule at its default severity and options`)
    .option('--force', 'overwrite an existing config file')
    .action(async (options: { force?: boolean }) => {
      const target = path.join(io.cwd, CONFIG_FILE_NAME);
      const exists = await access(target).then(() => true, () => false);
      if (exists && !options.force) throw new UsageError(`${CONFIG_FILE_NAME} already exists; use --force to overwrite it`);
      await writeFileAtomic(target, defaultConfigText(RULES));
      io.stdout.write(`wrote ${CONFIG_FILE_NAME} with ${RULES.length} rules\n`);
      exit(0);
    });
};
