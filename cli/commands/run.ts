// `run SCENARIO`: runs a built-in or JSON scenario headless and prints its summary; the exit status
// says which phase failed. Leaves out the model (scenarios/runner.ts); wall time lives only here.
// This is its spec (usage, flags); the work is in cli/actions/run.ts, loaded only when it runs.

import type { Command } from '../command.js';
import { metricsFlags, metricsUsage } from './observability-flags.js';
import { scenarioTransportFlags, scenarioTransportUsage, tfrobotFlag } from './transport-flags.js';

export const run: Command = {
  name: 'run',
  summary: 'run a scenario headless: safety phase with faults, liveness phase without; exit 3/4 on violations',
  usage: `run SCENARIO [--tfrobot FILE] [--seed S] [--until DURATION] [--out DIR] ${scenarioTransportUsage} ${metricsUsage} [--json]`,
  maxPositionals: 1,
  flags: {
    seed: { kind: 'value', valueName: 'S', help: "seed; the same seed replays the same run (default: the scenario's, else 1)" },
    until: { kind: 'value', valueName: 'DURATION', help: 'length of the safety phase, like 3600, 30d or 1y (default: the scenario\'s)' },
    out: { kind: 'value', valueName: 'DIR', help: 'write report files (CSV, HTML) into DIR' },
    ...scenarioTransportFlags,
    tfrobot: tfrobotFlag,
    ...metricsFlags,
  },
  run: (args, context) => import('../actions/run.js').then((m) => m.runScenarioCommand(args, context)),
};
