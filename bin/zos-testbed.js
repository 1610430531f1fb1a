#!/usr/bin/env node
// The installed `zos-testbed` binary: registers tsx so that the TypeScript sources run without a build,
// then hands the command line to cli/main.ts. Leaves everything else to it.

import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main();
