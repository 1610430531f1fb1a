// `sweep SCENARIO --param PATH=V1,V2,…`: every combination × seeds on local worker threads or BullMQ
// workers (`sweep --serve`), then sweep.csv and the smallest point meeting the SLO. Maths: reports/sweep-*.ts.

import { availableParallelism } from 'node:os';
import { InputError } from '../../sim/errors.js';
import { parseParams } from '../../scenarios/sweep-params.js';
import { checkSweepSize, planSweep } from '../../scenarios/sweep-plan.js';
import { runSweepTasks } from '../../scenarios/sweep-pool.js';
import { summarizeSweep } from '../../reports/sweep-csv.js';
import { defaultSlo, parseSlo } from '../../reports/sweep-slo.js';
import { checkSweepOutDir, recommendationDocument, sweepWarnings, writeSweepReports } from '../../reports/sweep-write.js';
import { ExitCode } from '../exit-codes.js';
import { checkRedisFlag, redisFlag } from '../redis-flag.js';
import { timeoutFlag } from '../wait-watch.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';
import { scenarioTransport } from './scenario-transport.js';

/** Local worker threads beyond this are a typo, not a machine: each is a whole V8 isolate. */
const maxWorkers = 1024;

/** The work of `sweep`; its flags and usage are in cli/commands/sweep.ts. */
export async function runSweep(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const redisUrl = redisFlag(args);
  // BullMQ and ioredis load only for sweeps over Redis (./sweep-queue.ts).
  if (args.boolean('serve')) return (await import('./sweep-queue.js')).serve(redisUrl, out, args);
  if (args.has('metrics-port')) throw new InputError('command line', '--metrics-port', 'only applies with --serve');
  const name = args.positional(0, 'SCENARIO');
  const paramText = args.string('param');
  if (paramText === undefined) throw new InputError('command line', '--param', "is required: 'PATH=V1,V2,…'");
  const params = parseParams(paramText);
  // Every bound and the output directory are checked before the plan is built, let alone run.
  const seedCount = args.number('seeds', { integer: true, min: 1, default: 3 });
  checkSweepSize(params, seedCount);
  const workers = args.number('workers', { integer: true, min: 1, max: maxWorkers, default: Math.max(1, availableParallelism() - 1) });
  const timeout = timeoutFlag(args);
  if (timeout !== undefined && redisUrl === undefined) throw new InputError('command line', '--timeout', 'only applies with --redis (local threads never wait for a worker)');
  const slo = parseSlo(args.string('slo', defaultSlo));
  const outDir = args.string('out', 'out/sweep');
  checkSweepOutDir(outDir);
  const run = await scenarioTransport(args, { sweepsOwnRedis: true });
  const plan = planSweep(name, params, seedCount, args.string('seed'), run, args.string('tfrobot'));
  if (redisUrl !== undefined) await checkRedisFlag(redisUrl);
  const queue = redisUrl === undefined ? undefined : await import('./sweep-queue.js');
  out.progress(`seeds: ${plan.seeds.join(' ')}`);
  for (const warning of sweepWarnings(plan)) out.progress(`warning: ${warning}`);
  const onDone = (done: number): void => {
    if (process.stderr.isTTY === true) process.stderr.write(`\r${done}/${plan.tasks.length} runs`);
  };
  out.progress(`${plan.points.length} points × ${plan.seeds.length} seeds on ${redisUrl === undefined ? `${Math.min(workers, plan.tasks.length)} worker thread${workers === 1 ? '' : 's'}` : `the ${queue?.sweepQueueName} queue at ${redisUrl}`}`);
  const results = redisUrl === undefined || queue === undefined
    ? await runSweepTasks(plan.tasks, workers, onDone)
    : await queue.sweepOnQueue(plan.tasks, redisUrl, out, { onDone, timeout });
  if (process.stderr.isTTY === true) process.stderr.write('\r\x1b[K');
  const summary = summarizeSweep(plan, results, slo);
  const files = writeSweepReports(plan, summary, slo, outDir);
  const doc = { ...recommendationDocument(plan, summary, slo), files };
  out.result(doc, () => human(doc, summary.rows.filter((r) => r.sloMet).length, plan.points.length));
  // No passing point is an answer, not a failure of the tool; exit 1 lets scripts notice it.
  return summary.recommended === undefined ? ExitCode.checkFailed : ExitCode.ok;
}

function human(doc: Record<string, unknown>, passing: number, total: number): string {
  const rec = doc.recommended as { params: Record<string, unknown>; nodes: number } | null;
  return [
    `${passing} of ${total} points meet the SLO (${(doc.slo as string[]).join(', ')}) in every seed`,
    rec === null ? 'recommendation: none — no point meets the SLO' : `recommendation: ${Object.entries(rec.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')} (${rec.nodes} nodes)`,
    `files: ${(doc.files as string[]).join(', ')}`,
  ].join('\n');
}
