#!/usr/bin/env node
// The installed `zos-testbed` binary: the compiled command line in dist/ (built by `npm ci`, or
// `npm run build` after a change). From source without a build: `npm run dev -- COMMAND …`.

import { main } from '../dist/cli/main.js';

await main();
