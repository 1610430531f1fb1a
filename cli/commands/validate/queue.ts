// `validate mm1` and `validate mmc`: the engine's queue against the exact formulas (ANCHORS 4.1).
// Leaves out the simulation itself (sim/validate/queueing.ts); this only reads flags and prints.

import type { Args } from '../../args.js';
import type { Command, CommandContext } from '../../command.js';
import type { QueueValidation } from '../../../sim/validate/queueing.js';
import type { MmcFigures } from '../../../sim/validate/queueing-exact.js';

const queueFlags = {
  lambda: { kind: 'value', valueName: 'L', help: 'arrival rate λ per second' },
  mu: { kind: 'value', valueName: 'M', help: 'service rate μ per second, per server' },
  customers: { kind: 'value', valueName: 'N', help: 'customers to simulate (default 1000000)' },
  seed: { kind: 'value', valueName: 'S', help: 'seed of the arrival and service streams (default 1)' },
  tolerance: { kind: 'value', valueName: 'T', help: 'exit 1 if |relative error| of L, W or Wq exceeds T (e.g. 0.02)' },
} as const;

async function runQueue(args: Args, { out }: CommandContext, servers: number | undefined): Promise<number> {
  const seed = args.string('seed', '1');
  out.progress(`seed: ${seed}`);
  const params = {
    lambdaPerS: args.number('lambda', { required: true }),
    muPerS: args.number('mu', { required: true }),
    servers: servers ?? args.number('servers', { required: true, integer: true }),
    customers: args.number('customers', { integer: true, default: 1_000_000 }),
    seed,
  };
  const tolerance = args.number('tolerance', { min: 0 });
  // Loaded when run, like every command's work, so that `help` and `version` start fast.
  const { validateQueue } = await import('../../../sim/validate/queueing.js');
  const v = validateQueue(params);
  out.result(document(v, servers === undefined), () => summary(v, params.customers));
  const worst = Math.max(...(['L', 'W', 'Wq'] as const).map((k) => Math.abs(v.relError[k])));
  return tolerance !== undefined && worst > tolerance ? 1 : 0;
}

function document(v: QueueValidation, withErlangC: boolean): unknown {
  const { L, W, Wq, erlangC } = v.measured;
  const exactC = (v.exact as MmcFigures).erlangC;
  return {
    measured: withErlangC ? { L, W, Wq, erlangC } : { L, W, Wq },
    exact: withErlangC ? { L: v.exact.L, W: v.exact.W, Wq: v.exact.Wq, erlangC: exactC } : { L: v.exact.L, W: v.exact.W, Wq: v.exact.Wq },
    relError: withErlangC ? { ...v.relError, erlangC: (erlangC - exactC) / exactC } : v.relError,
    ci95RelHalfWidth: v.measured.relHalfWidth95,
    events: v.measured.events,
  };
}

function summary(v: QueueValidation, customers: number): string {
  const row = (k: 'L' | 'W' | 'Wq'): string =>
    `  ${k.padEnd(3)} measured ${v.measured[k].toPrecision(6).padStart(10)}  exact ${v.exact[k].toPrecision(6).padStart(10)}  error ${(v.relError[k] * 100).toFixed(2).padStart(6)} %`;
  return [`${customers} customers, ${v.measured.events} events`, row('L'), row('W'), row('Wq')].join('\n');
}

export const mm1: Command = {
  name: 'mm1',
  summary: 'simulate an M/M/1 queue and compare L, W, Wq with the exact formulas',
  usage: 'validate mm1 --lambda L --mu M [--customers N] [--seed S] [--tolerance T] [--json]',
  flags: queueFlags,
  run: (args, context) => runQueue(args, context, 1),
};

export const mmc: Command = {
  name: 'mmc',
  summary: 'simulate an M/M/c queue and compare L, W, Wq and Erlang C with the exact formulas',
  usage: 'validate mmc --lambda L --mu M --servers C [--customers N] [--seed S] [--tolerance T] [--json]',
  flags: { ...queueFlags, servers: { kind: 'value', valueName: 'C', help: 'number of servers' } },
  run: (args, context) => runQueue(args, context, undefined),
};
