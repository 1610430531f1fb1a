// `swarm`: random scenarios from a seed until the first violated invariant; prints the shrunk case and
// the commands that replay it. Leaves out generation and running (scenarios/swarm.ts).

import { writeFileSync } from 'node:fs';
import { InputError } from '../../sim/errors.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { toJson } from '../output.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';
import { scenarioTransport } from './scenario-transport.js';

/** The work of `swarm`; its flags and usage are in cli/commands/swarm.ts. */
export async function runSwarmCommand(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const runs = args.number('runs', { integer: true, min: 1, max: 1_000_000, default: 10 });
  const seed = args.number('seed', { integer: true, min: -(2 ** 31), max: 2 ** 31 - 1, default: 1 });
  const maxNodes = args.number('max-nodes', { integer: true, min: 50, max: 10_000, default: 10_000 });
  const path = args.string('path');
  if (path !== undefined && !/^\d+(:\d+)*$/.test(path)) throw new InputError('command line', '--path', `must look like 3:0:1, got '${path}'`);
  const plant = args.boolean('plant');
  out.progress(`seed: ${seed}`);
  // Loaded here, not at the top: fast-check is a development dependency, and the rest of the
  // command line must start without it.
  const { runSwarm } = await import('../../scenarios/swarm.js');
  const run = await scenarioTransport(args);
  const result = await runSwarm({
    runs,
    run,
    seed,
    maxNodes,
    plant,
    ...(path === undefined ? {} : { path, maxShrinkRuns: 0 }),
    onRun: (i, s, summary) => out.progress(`run ${i + 1}: ${s.description}, seed ${String(s.seed)} → ${summary.failed ?? 'ok'}`),
  });
  const failure = result.failure;
  if (failure === null) {
    out.result({ seed, runs: result.runs, failure: null }, `${result.runs} scenarios, no invariant violated (seed ${seed})`);
    return ExitCode.ok;
  }
  const flags = `--seed ${seed}${maxNodes === 10_000 ? '' : ` --max-nodes ${maxNodes}`}${plant ? ' --plant' : ''}`;
  const replay = `zos-testbed swarm --runs 1 ${flags} --path ${failure.path}`;
  const save = args.string('save');
  if (save !== undefined) writeFileSync(save, toJson(failure.scenario));
  const broken = failure.summary.invariants.filter((i) => !i.ok);
  out.result(
    { seed, runs: result.runs, failure: { phase: failure.summary.failed, path: failure.path, shrinks: failure.shrinks, replay, ...(save === undefined ? {} : { saved: save, run: `zos-testbed run ${save}` }), invariants: broken, scenario: failure.scenario } },
    () =>
      [
        `violation after ${result.runs} run(s), shrunk ${failure.shrinks} time(s): ${failure.summary.failed} phase`,
        ...broken.map((i) => `FAIL [${i.phase}] ${i.name} — ${i.detail ?? ''}`),
        `replay: ${replay}`,
        ...(save === undefined ? [] : [`or:     zos-testbed run ${save}`]),
        'shrunk case:',
        toJson(failure.scenario).trimEnd(),
      ].join('\n'),
  );
  return failure.summary.failed === 'safety' ? ExitCode.safety : ExitCode.liveness;
}
