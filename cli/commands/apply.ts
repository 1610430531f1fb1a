// `apply FILE`: applies a JSON list of operations to a simulated grid, or to real nodes on this host,
// through a transport and prints the run's state hash and every operation's outcome. Leaves out the
// work itself (scheduler/testbed.ts).
// This is its spec (usage, flags); the work is in cli/actions/apply.ts, loaded only when it runs.

import { gridByName, gridNames } from '../../scenarios/grids.js';
import type { Command } from '../command.js';
import { metricsFlags, metricsUsage } from './observability-flags.js';
import { timeoutFlagSpec } from './wait-flags.js';

export const apply: Command = {
  name: 'apply',
  summary: 'apply a JSON list of operations to a simulated grid or to real nodes on this host; print the state hash and each outcome',
  usage: `apply FILE [--backend sim|host] [--data-dir DIR] [--nodes N] [--hub DIR|URL] [--zdb in-process|process] [--host-network loopback|netns] [--transport inprocess|bullmq] [--redis URL] [--seed S] [--grid NAME] [--reconcile] [--workloads] [--timeout DURATION] ${metricsUsage} [--json]`,
  maxPositionals: 1,
  flags: {
    transport: { kind: 'value', valueName: 'inprocess|bullmq', help: 'how jobs travel: in this process, or BullMQ queues on Redis (default inprocess)' },
    redis: { kind: 'value', valueName: 'URL', help: 'the Redis of --transport bullmq; without it a private redis-server is started' },
    seed: { kind: 'value', valueName: 'S', help: 'seed of the simulated grid; the same seed replays the same run (default 1)' },
    grid: { kind: 'value', valueName: 'NAME', help: `a named grid: ${gridNames.join(', ')} (default small)` },
    timeout: timeoutFlagSpec,
    reconcile: { kind: 'boolean', help: 'run the self-healing reconciler: deployments of nodes down past 15 min move elsewhere; the report adds its audit log' },
    backend: { kind: 'value', valueName: 'sim|host', help: 'sim: a simulated grid (default); host: real 0-db, zmount, flist and gateway processes on this machine, in wall time' },
    'data-dir': { kind: 'value', valueName: 'DIR', help: 'with --backend host: where the nodes keep their data (created if missing; kept after the run)' },
    nodes: { kind: 'value', valueName: 'N', help: 'with --backend host: how many nodes to run (default 8)' },
    hub: { kind: 'value', valueName: 'DIR|URL', help: 'with --backend host: the flist hub, a directory served by this process (default DATA-DIR/hub) or the URL of a `zos-testbed hub`' },
    zdb: { kind: 'value', valueName: 'in-process|process', help: 'with --backend host: run each node\'s 0-db in this process (default) or as a child process, so node.crash is a real SIGKILL' },
    'host-network': { kind: 'value', valueName: 'loopback|netns', help: "with --backend host: loopback (default) runs every node on this host's loopback and records networks; netns makes each node a network namespace on its farm's LAN and each network workload real WireGuard (needs root, ip and wireguard-go)" },
    workloads: { kind: 'boolean', help: "add each deployment.create's contract, node and every workload's state once the run has ended (to compare --backend host with sim)" },
    ...metricsFlags,
  },
  run: (args, context) => import('../actions/apply.js').then((m) => m.applyCommand(args, context)),
};
