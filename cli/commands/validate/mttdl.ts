// `validate mttdl`: a Monte Carlo of one stripe through the engine against the exact CTMC MTTDL
// (ANCHORS 4.3). Leaves out the simulation itself (sim/validate/mttdl.ts); this only reads flags and prints.

import type { Args } from '../../args.js';
import type { Command, CommandContext } from '../../command.js';
import type { MttdlValidation } from '../../../sim/validate/mttdl.js';

const flags = {
  'data-shards': { kind: 'value', valueName: 'K', help: 'data shards k (1 for replication)' },
  'parity-shards': { kind: 'value', valueName: 'M', help: 'parity shards m, the losses tolerated (r−1 for r replicas)' },
  'mttf-h': { kind: 'value', valueName: 'H', help: 'mean time to failure of one device, hours' },
  'mttr-h': { kind: 'value', valueName: 'H', help: 'mean time to repair one device, hours' },
  repair: { kind: 'value', valueName: 'serial|parallel', help: 'one repair at a time, or all failed devices at once (default serial)' },
  runs: { kind: 'value', valueName: 'N', help: 'runs to data loss to average (default 20000)' },
  seed: { kind: 'value', valueName: 'S', help: 'seed of the failure and repair streams (default 1)' },
  tolerance: { kind: 'value', valueName: 'T', help: 'exit 1 if |relative error| exceeds T (e.g. 0.03)' },
} as const;

async function run(args: Args, { out }: CommandContext): Promise<number> {
  const seed = args.string('seed', '1');
  out.progress(`seed: ${seed}`);
  // Ranges are checked once, in compileMttdl, which names these same flags.
  const { validateMttdl } = await import('../../../sim/validate/mttdl.js');
  const v = validateMttdl({
    dataShards: args.number('data-shards', { required: true }),
    parityShards: args.number('parity-shards', { required: true }),
    mttfH: args.number('mttf-h', { required: true }),
    mttrH: args.number('mttr-h', { required: true }),
    repair: args.string('repair', 'serial'),
    runs: args.number('runs', { default: 20_000 }),
    seed,
  });
  const tolerance = args.number('tolerance', { min: 0 });
  out.result(
    { simulatedMttdlH: v.simulatedMttdlH, exactMttdlH: v.exactMttdlH, relError: v.relError, runs: v.runs, ci95H: v.ci95H },
    () => summary(v),
  );
  return tolerance !== undefined && Math.abs(v.relError) > tolerance ? 1 : 0;
}

function summary(v: MttdlValidation): string {
  return [
    `${v.runs} runs to data loss, ${v.events} events`,
    `  simulated MTTDL ${v.simulatedMttdlH.toPrecision(6)} h ± ${v.ci95H.toPrecision(3)} h (95 %)`,
    `  exact MTTDL     ${v.exactMttdlH.toPrecision(6)} h`,
    `  error           ${(v.relError * 100).toFixed(2)} %`,
  ].join('\n');
}

export const mttdl: Command = {
  name: 'mttdl',
  summary: 'simulate one stripe to data loss and compare its MTTDL with the exact Markov-chain value',
  usage: 'validate mttdl --data-shards K --parity-shards M --mttf-h H --mttr-h H [--repair serial|parallel] [--runs N] [--seed S] [--tolerance T] [--json]',
  flags,
  run,
};
