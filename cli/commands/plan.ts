// `plan SCENARIO --size PATH --demand X1,X2,…`: for each demand level, the smallest grid (one node
// count sized) whose runs meet the SLO in every seed, by a galloping search rather than a full sweep,
// and what binds. This is its spec; the work is in cli/actions/plan.ts, loaded only when it runs.

import type { Command } from '../command.js';
import { metricsFlags } from './observability-flags.js';
import { scenarioTransportFlags, tfrobotFlag } from './transport-flags.js';

export const plan: Command = {
  name: 'plan',
  summary: 'capacity planning: the smallest grid meeting the SLO at each demand level, and what binds',
  usage: "plan SCENARIO|FILE [--tfrobot FILE] --size PATH --demand X1,X2,… [--slo 'METRIC>=V,…'] [--seeds N] [--seed S] [--max-nodes N] [--workers N | --redis URL] [--out DIR] [--transport inprocess|bullmq] [--no-reconcile] [--metrics-port P] [--json]",
  maxPositionals: 1,
  flags: {
    size: { kind: 'value', valueName: 'PATH', help: "the node count to size, a dotted path into the scenario, e.g. 'grid.farms[0].nodes[0].count'" },
    demand: { kind: 'value', valueName: 'X1,X2,…', help: "multipliers of every workload group's count, e.g. '1,2,3'" },
    slo: { kind: 'value', valueName: 'BOUNDS', help: 'bounds every seed must meet (default: all placed, all ok at the end, time to heal p99 <= 1 h, no data lost)' },
    seeds: { kind: 'value', valueName: 'N', help: 'replications per point (default 3)' },
    seed: { kind: 'value', valueName: 'S', help: "base seed; point seeds are S.1 … S.N (default: the scenario's, else 1)" },
    'max-nodes': { kind: 'value', valueName: 'N', help: 'the largest grid to try, all farms counted (default 1000)' },
    workers: { kind: 'value', valueName: 'N', help: 'local worker threads for the seeds of a point (default: CPUs − 1, at least 1)' },
    redis: { kind: 'value', valueName: 'URL', help: 'run the seeds as BullMQ jobs served by `sweep --serve --redis URL` processes' },
    out: { kind: 'value', valueName: 'DIR', help: 'directory for plan.csv (default out/plan)' },
    transport: { ...scenarioTransportFlags.transport, help: "how each run's scheduler jobs travel: in its process (default), or BullMQ on a private redis-server per run" },
    'no-reconcile': scenarioTransportFlags['no-reconcile'],
    tfrobot: tfrobotFlag,
    ...metricsFlags,
  },
  run: (args, context) => import('../actions/plan.js').then((m) => m.runPlan(args, context)),
};
