// The command table: every command of `zos-testbed`, one line each, in the order help lists them.
// Leaves out the commands themselves (cli/commands/*.ts) and dispatching (main.ts, command.ts).

import type { Command } from './command.js';
import { apply } from './commands/apply.js';
import { bench } from './commands/bench/index.js';
import { dashboard } from './commands/dashboard.js';
import { demo } from './commands/demo.js';
import { flist } from './commands/flist.js';
import { help } from './commands/help.js';
import { hub } from './commands/hub.js';
import { plan } from './commands/plan.js';
import { run } from './commands/run.js';
import { scenarios } from './commands/scenarios.js';
import { swarm } from './commands/swarm.js';
import { sweep } from './commands/sweep.js';
import { tui } from './commands/tui.js';
import { validate } from './commands/validate.js';
import { version } from './commands/version.js';
import { worker } from './commands/worker.js';
import { zdb } from './commands/zdb.js';

// Adding a command: write its spec in cli/commands/NAME.ts (name, usage, flags) with a run() that
// imports its work when called (cli/actions/NAME.ts, or inline dynamic imports), then list it here.
// Specs import nothing heavy, so `help` and `version` start in a few milliseconds of CPU.
export const commands: readonly Command[] = [demo, run, scenarios, swarm, tui, sweep, plan, apply, worker, dashboard, zdb, flist, hub, validate, bench, help, version];
