// `validate CHECK`: fidelity checks against formulas and published figures, and document validation.
// Holds only the sub-table; each check is a Command in its own file under cli/commands/validate/.

import { defineGroup, type Command } from '../command.js';
import { convergence } from './validate/convergence.js';
import { deployment } from './validate/deployment.js';
import { device } from './validate/device.js';
import { mttdl } from './validate/mttdl.js';
import { mm1, mmc } from './validate/queue.js';
import { stretch } from './validate/stretch.js';

/** One line per check, in the order `help validate` lists them (e.g. mm1, mmc, device, mttdl, stretch, deployment). */
const checks: readonly Command[] = [mm1, mmc, device, mttdl, stretch, convergence, deployment];

export const validate = defineGroup({
  name: 'validate',
  summary: 'check the models against formulas and published figures, or validate a document',
  subcommands: checks,
});
