// `scenarios`: lists the built-in scenarios with their size and length.
// Leaves out running them (run.ts).
// This is its spec (usage, flags); the work is in cli/actions/scenarios.ts, loaded only when it runs.

import type { Command } from '../command.js';

export const scenarios: Command = {
  name: 'scenarios',
  summary: 'list the built-in scenarios',
  usage: 'scenarios [--json]',
  run: (args, context) => import('../actions/scenarios.js').then((m) => m.listScenarios(args, context)),
};
