// The `--timeout` flag of the commands that wait on work done elsewhere (apply, sweep), defined once.
// Its reading and the waiting itself are in cli/wait-watch.ts, loaded only when a command runs.

import type { FlagSpecs } from '../args.js';

export const timeoutFlagSpec = {
  kind: 'value',
  valueName: 'DURATION',
  help: 'give up waiting after this long (like 30s, 5m, 2h): exit 1 saying what was still waiting; default: wait for as long as it takes, with a status line on stderr every few seconds',
} as const satisfies FlagSpecs[string];
