#!/usr/bin/env node
import { main } from '../dist/cli/traceview.js';

process.exitCode = await main(process.argv);
