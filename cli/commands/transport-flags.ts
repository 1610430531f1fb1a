// The flags with which `run`, `sweep`, `swarm` and `tui` choose how a scenario's jobs travel and
// whether the reconciler heals; defined once here, read by cli/actions/scenario-transport.ts.

import type { FlagSpec } from '../args.js';

export const scenarioTransportFlags: Readonly<Record<'transport' | 'redis' | 'no-reconcile', FlagSpec>> = {
  transport: { kind: 'value', valueName: 'inprocess|bullmq', help: 'how the scheduler\'s jobs travel: in this process (default), or BullMQ queues on Redis' },
  redis: { kind: 'value', valueName: 'URL', help: 'the Redis of --transport bullmq; without it a private redis-server is started' },
  'no-reconcile': { kind: 'boolean', help: 'no self-healing: shows what zos does alone (default: the scenario\'s `reconcile`, true unless it says false)' },
};

/** `run`, `sweep` and `plan`: a tfrobot config (JSON or YAML) as the scenario's workload. */
export const tfrobotFlag: FlagSpec = { kind: 'value', valueName: 'FILE', help: "replace the scenario's workload with a tfrobot config's VMs and node groups (JSON or YAML)" };

export const scenarioTransportUsage = '[--transport inprocess|bullmq] [--redis URL] [--no-reconcile]';
