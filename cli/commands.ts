// The command table: every command of `zos-testbed`, one line each, in the order help lists them.
// Leaves out the commands themselves (cli/commands/*.ts) and dispatching (main.ts, command.ts).

import type { Command } from './command.js';

// Adding a command is one line: write cli/commands/NAME.ts exporting `NAME: Command`, then list it
// here. The import sits inside the line (top-level await) so that the table is the only place to edit.
export const commands: readonly Command[] = [
  (await import('./commands/demo.js')).demo,
  (await import('./commands/run.js')).run,
  (await import('./commands/scenarios.js')).scenarios,
  (await import('./commands/swarm.js')).swarm,
  (await import('./commands/tui.js')).tui,
  (await import('./commands/sweep.js')).sweep,
  (await import('./commands/apply.js')).apply,
  (await import('./commands/worker.js')).worker,
  (await import('./commands/zdb.js')).zdb,
  (await import('./commands/flist.js')).flist,
  (await import('./commands/hub.js')).hub,
  (await import('./commands/validate.js')).validate,
  (await import('./commands/bench/index.js')).bench,
  (await import('./commands/help.js')).help,
  (await import('./commands/version.js')).version,
];
