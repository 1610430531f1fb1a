// The work of `plan` (spec: cli/commands/plan.ts): reads the flags, runs the search of
// scenarios/plan.ts on local threads or the sweep queue, writes plan.csv and prints the frontier.

import { availableParallelism } from 'node:os';
import { InputError } from '../../sim/errors.js';
import { plan, type PlanResult } from '../../scenarios/plan.js';
import { loadRawScenario } from '../../scenarios/sweep-plan.js';
import { runSweepTasks } from '../../scenarios/sweep-pool.js';
import type { SweepTask, SweepTaskResult } from '../../scenarios/sweep-task.js';
import { parseSlo } from '../../reports/sweep-slo.js';
import { writePlanReports } from '../../reports/plan-write.js';
import { checkSweepOutDir } from '../../reports/sweep-write.js';
import { ExitCode } from '../exit-codes.js';
import { checkRedisFlag, redisFlag } from '../redis-flag.js';
import { metricsFromFlag } from '../observability/owner-serve.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';
import { scenarioTransport } from './scenario-transport.js';

/** What operators feel: everything placed and back at the end, healed within an hour, nothing lost. */
export const defaultPlanSlo = 'deploymentsUnplacedCount<=0,deploymentsOkFraction>=1,timeToHealP99S<=3600,lostObjectsCount<=0,filesLostCount<=0';

export async function runPlan(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const { scenario, source } = loadRawScenario(args.positional(0, 'SCENARIO'), args.string('tfrobot'));
  const sizePath = args.string('size');
  if (sizePath === undefined) throw new InputError('command line', '--size', "is required: the node count to size, e.g. 'grid.farms[0].nodes[0].count'");
  const demand = parseDemand(args.string('demand'));
  const seedCount = args.number('seeds', { integer: true, min: 1, max: 1000, default: 3 });
  const maxNodes = args.number('max-nodes', { integer: true, min: 1, max: 10_000_000, default: 1000 });
  const workers = args.number('workers', { integer: true, min: 1, max: 1024, default: Math.max(1, availableParallelism() - 1) });
  const slo = parseSlo(args.string('slo', defaultPlanSlo));
  const outDir = args.string('out', 'out/plan');
  checkSweepOutDir(outDir);
  const run = await scenarioTransport(args, { sweepsOwnRedis: true });
  const redisUrl = redisFlag(args);
  if (redisUrl !== undefined) await checkRedisFlag(redisUrl);
  const queue = redisUrl === undefined ? undefined : await import('../../scenarios/sweep-queue.js');
  const baseSeed = args.string('seed') ?? String(scenario.seed ?? 1);
  out.progress(`seed: ${baseSeed}`);
  const runTasks = (tasks: readonly SweepTask[]): Promise<SweepTaskResult[]> => (queue === undefined || redisUrl === undefined ? runSweepTasks(tasks, workers) : queue.runSweepTasksOnQueue(tasks, redisUrl));
  const served = await metricsFromFlag(args, (line) => out.progress(line));
  const counted = served === undefined ? runTasks : (await import('../observability/plan-metrics.js')).countPlanRuns(runTasks, served.metrics);
  const result = await plan({ scenario, source, sizePath, demand, slo, seedCount, baseSeed, maxNodes, run }, counted).finally(() => served?.close());
  const files = writePlanReports(result, sizePath, outDir, `zos-testbed plan — ${source}, ${sizePath}, seed ${baseSeed}`);
  const doc = { frontier: result.frontier.map(({ size: _s, samples: _samples, ...entry }) => entry), evaluatedRuns: result.evaluatedRuns, fullGridRuns: result.fullGridRuns, seeds: result.seeds, slo: slo.map((b) => `${b.metric}${b.op}${b.value}`), files };
  out.result(doc, () => human(result, files));
  return result.frontier.every((f) => f.sloMet) ? ExitCode.ok : ExitCode.checkFailed;
}

function parseDemand(text: string | undefined): number[] {
  if (text === undefined) throw new InputError('command line', '--demand', "is required: multipliers of the workload, e.g. '1,2,3'");
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !(Number.isFinite(v) && v > 0))) throw new InputError('command line', '--demand', `'${text}' must be numbers > 0 separated by commas`);
  for (let i = 1; i < values.length; i++) {
    if (values[i]! <= values[i - 1]!) throw new InputError('command line', '--demand', `must be ascending without repeats, got '${text}'`);
  }
  return values;
}

function human(result: PlanResult, files: readonly string[]): string {
  const lines = result.frontier.map((f) => f.sloMet ? `demand ×${f.demand}: ${f.nodes} nodes — ${f.binding}` : `demand ×${f.demand}: no grid up to ${f.nodes} nodes meets the SLO — ${f.binding}`);
  const share = result.fullGridRuns === 0 ? 0 : Math.round((100 * result.evaluatedRuns) / result.fullGridRuns);
  return [...lines, `${result.evaluatedRuns} runs instead of ${result.fullGridRuns} for every size (${share} %)`, `files: ${files.join(', ')}`].join('\n');
}
