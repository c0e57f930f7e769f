#!/usr/bin/env node
import { main } from '../dist/cli/tracelint.js';

process.exitCode = await main(process.argv);
