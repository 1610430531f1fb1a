// `sweep SCENARIO --param PATH=V1,V2,…`: every combination × seeds on local worker threads or BullMQ
// workers (`sweep --serve`), then sweep.csv and the smallest point meeting the SLO. Maths: reports/sweep-*.ts.
// This is its spec (usage, flags); the work is in cli/actions/sweep.ts, loaded only when it runs.

import { defaultSlo, parseSlo } from '../../reports/sweep-slo.js';
import type { Command } from '../command.js';
import { scenarioTransportFlags, tfrobotFlag } from './transport-flags.js';
import { metricsFlags } from './observability-flags.js';
import { timeoutFlagSpec } from './wait-flags.js';

export const sweep: Command = {
  name: 'sweep',
  summary: 'capacity planning: run parameter combinations × seeds, write sweep.csv and the smallest configuration meeting the SLO',
  usage: "sweep SCENARIO [--tfrobot FILE] --param 'PATH=V1,V2,…[;PATH=…]' [--seeds N] [--seed S] [--workers N | --redis URL [--timeout DURATION]] [--slo 'METRIC>=V,…'] [--out DIR] [--transport inprocess|bullmq] [--no-reconcile] [--json] | sweep --serve --redis URL [--metrics-port P]",
  maxPositionals: 1,
  flags: {
    transport: { ...scenarioTransportFlags.transport, help: 'how each run\'s scheduler jobs travel: in its process (default), or BullMQ on a private redis-server per run (--redis is the sweep\'s own queue)' },
    'no-reconcile': scenarioTransportFlags['no-reconcile'],
    tfrobot: tfrobotFlag,
    param: { kind: 'value', valueName: 'PATH=V1,V2,…', help: "dotted paths into the scenario, e.g. 'grid.farms[0].nodes[0].count=5,10;durationS=1h,2h' (named grids are expanded)" },
    seeds: { kind: 'value', valueName: 'N', help: 'replications per point (default 3; at most 10000, and at most 100000 runs in all)' },
    seed: { kind: 'value', valueName: 'S', help: "base seed; point seeds are S.1 … S.N (default: the scenario's, else 1)" },
    workers: { kind: 'value', valueName: 'N', help: 'local worker threads (default: CPUs − 1, at least 1; at most 1024); 1 runs serially' },
    slo: { kind: 'value', valueName: 'BOUNDS', help: `bounds every seed of a point must meet (default '${defaultSlo}')` },
    redis: { kind: 'value', valueName: 'URL', help: 'run points as BullMQ jobs, served by `sweep --serve --redis URL` processes on any machine' },
    timeout: { ...timeoutFlagSpec, help: `with --redis: ${timeoutFlagSpec.help}` },
    serve: { kind: 'boolean', help: 'with --redis: serve sweep jobs until SIGTERM/SIGINT instead of sweeping (no SCENARIO)' },
    out: { kind: 'value', valueName: 'DIR', help: 'directory for sweep.csv and recommendation.json (default out/sweep)' },
    'metrics-port': { ...metricsFlags['metrics-port']!, help: 'with --serve: serve Prometheus metrics of the sweep runs this process serves at http://127.0.0.1:P/metrics' },
  },
  run: (args, context) => import('../actions/sweep.js').then((m) => m.runSweep(args, context)),
};
