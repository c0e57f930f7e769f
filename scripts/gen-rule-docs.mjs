#!/usr/bin/env node
// Writes docs/rules/<id>.md and docs/rules/README.md from the rules' metadata
// (run `npm run docs` after changing a rule; test/lint/docs.test.ts checks they match).
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../dist/io/atomic-write.js';
import { ruleMarkdown, rulesIndexMarkdown } from '../dist/lint/docs.js';
import { RULES } from '../dist/rules/index.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'rules');
await mkdir(dir, { recursive: true });
const wanted = new Set(RULES.map((rule) => `${rule.id}.md`).concat('README.md'));
for (const name of await readdir(dir)) if (!wanted.has(name)) await rm(path.join(dir, name));
for (const rule of RULES) await writeFileAtomic(path.join(dir, `${rule.id}.md`), ruleMarkdown(rule));
await writeFileAtomic(path.join(dir, 'README.md'), rulesIndexMarkdown(RULES));
console.log(`wrote ${RULES.length} rule docs to docs/rules`);
