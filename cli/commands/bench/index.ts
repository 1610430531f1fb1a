// `bench NAME`: benchmarks, each printing our figure, a reference measured in the same run, and
// their ratio (--json for one document). The scripts live in bench/.

import { defineGroup } from '../../command.js';
import { benchScript } from './run-script.js';

export const bench = defineGroup({
  name: 'bench',
  summary: 'benchmarks against a reference measured in the same run',
  subcommands: [
    benchScript('engine', 'hold model with 10,000 pending events: engine vs a bare typed-array heap', 'bench engine [--pending N] [--events N] [--rounds N] [--json]', {
      pending: { kind: 'value', valueName: 'N', help: 'pending events (default 10000)' },
      events: { kind: 'value', valueName: 'N', help: 'events per timed round (default 3000000)' },
      rounds: { kind: 'value', valueName: 'N', help: 'timed rounds per side, median reported (default 5)' },
    }),
    benchScript('grid', 'build an N-node grid and deploy a mix of small deployments: memory per node and deployments/s', 'bench grid [--nodes N] [--deployments N] [--json]', {
      nodes: { kind: 'value', valueName: 'N', help: 'nodes (default 10000)' },
      deployments: { kind: 'value', valueName: 'N', help: 'deployments (default min(nodes, 10000))' },
    }),
  ],
});
