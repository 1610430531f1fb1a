// `swarm`: random scenarios from a seed until the first violated invariant; prints the shrunk case and
// the commands that replay it. Leaves out generation and running (scenarios/swarm.ts).
// This is its spec (usage, flags); the work is in cli/actions/swarm.ts, loaded only when it runs.

import type { Command } from '../command.js';
import { scenarioTransportFlags, scenarioTransportUsage } from './transport-flags.js';

export const swarm: Command = {
  name: 'swarm',
  summary: 'run random scenarios from a seed; stop at the first violation and print how to replay it',
  usage: `swarm --runs N --seed S [--max-nodes N] [--path P] [--save FILE] [--plant] ${scenarioTransportUsage} [--json]`,
  flags: {
    runs: { kind: 'value', valueName: 'N', help: 'scenarios to generate (default 10)' },
    seed: { kind: 'value', valueName: 'S', help: 'integer seed of the generator (default 1)' },
    'max-nodes': { kind: 'value', valueName: 'N', help: 'largest grid generated, 50..10000 (default 10000)' },
    path: { kind: 'value', valueName: 'P', help: "replay one case: fast-check's counterexample path from an earlier swarm" },
    save: { kind: 'value', valueName: 'FILE', help: 'on a violation, write the shrunk scenario to FILE (JSON) for `run`' },
    plant: { kind: 'boolean', help: 'add an invariant random outages break (at most 10 % of nodes down): a self-test' },
    ...scenarioTransportFlags,
  },
  run: (args, context) => import('../actions/swarm.js').then((m) => m.runSwarmCommand(args, context)),
};
