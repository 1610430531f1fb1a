// `sweep SCENARIO --param PATH=V1,V2,…`: every combination × seeds on local worker threads or BullMQ
// workers (`sweep --serve`), then sweep.csv and the smallest point meeting the SLO. Maths: reports/sweep-*.ts.

import { availableParallelism } from 'node:os';
import { InputError } from '../../sim/errors.js';
import { parseParams } from '../../scenarios/sweep-params.js';
import { planSweep } from '../../scenarios/sweep-plan.js';
import { runSweepTasks } from '../../scenarios/sweep-pool.js';
import { runSweepTasksOnQueue, serveSweepTasks, sweepQueueName } from '../../scenarios/sweep-queue.js';
import { summarizeSweep } from '../../reports/sweep-csv.js';
import { defaultSlo, parseSlo } from '../../reports/sweep-slo.js';
import { recommendationDocument, writeSweepReports } from '../../reports/sweep-write.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { untilStopSignal } from '../stop-signal.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';

/** The work of `sweep`; its flags and usage are in cli/commands/sweep.ts. */
export async function runSweep(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const redisUrl = args.string('redis');
  if (redisUrl !== undefined && !/^redis:\/\//.test(redisUrl)) throw new InputError('command line', '--redis', `must be a redis:// URL, got ${JSON.stringify(redisUrl)}`);
  if (args.boolean('serve')) return serve(redisUrl, out);
  const name = args.positional(0, 'SCENARIO');
  const paramText = args.string('param');
  if (paramText === undefined) throw new InputError('command line', '--param', "is required: 'PATH=V1,V2,…'");
  const params = parseParams(paramText);
  const seedCount = args.number('seeds', { integer: true, default: 3 });
  if (seedCount < 1) throw new InputError('command line', '--seeds', 'must be ≥ 1');
  const workers = args.number('workers', { integer: true, default: Math.max(1, availableParallelism() - 1) });
  if (workers < 1) throw new InputError('command line', '--workers', 'must be ≥ 1');
  const slo = parseSlo(args.string('slo', defaultSlo));
  const plan = planSweep(name, params, seedCount, args.string('seed'));
  out.progress(`seeds: ${plan.seeds.join(' ')}`);
  const onDone = (done: number): void => {
    if (process.stderr.isTTY === true) process.stderr.write(`\r${done}/${plan.tasks.length} runs`);
  };
  out.progress(`${plan.points.length} points × ${plan.seeds.length} seeds on ${redisUrl === undefined ? `${Math.min(workers, plan.tasks.length)} worker thread${workers === 1 ? '' : 's'}` : `the ${sweepQueueName} queue at ${redisUrl}`}`);
  const results = redisUrl === undefined ? await runSweepTasks(plan.tasks, workers, onDone) : await runSweepTasksOnQueue(plan.tasks, redisUrl, onDone);
  if (process.stderr.isTTY === true) process.stderr.write('\r\x1b[K');
  const summary = summarizeSweep(plan, results, slo);
  const files = writeSweepReports(plan, summary, slo, args.string('out', 'out/sweep'));
  const doc = { ...recommendationDocument(plan, summary, slo), files };
  out.result(doc, () => human(doc, summary.rows.filter((r) => r.sloMet).length, plan.points.length));
  // No passing point is an answer, not a failure of the tool; exit 1 lets scripts notice it.
  return summary.recommended === undefined ? ExitCode.checkFailed : ExitCode.ok;
}

async function serve(redisUrl: string | undefined, out: Output): Promise<number> {
  if (redisUrl === undefined) throw new InputError('command line', '--serve', 'needs --redis URL');
  const server = serveSweepTasks(redisUrl);
  await server.ready();
  out.progress(`sweep worker: ready on ${redisUrl} queue ${sweepQueueName} (pid ${process.pid})`);
  await untilStopSignal();
  // Closing waits for Redis; with Redis gone it would wait forever, so give up after a few seconds.
  const gaveUp = await Promise.race([server.close().then(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, 5000, true).unref())]);
  if (gaveUp) {
    out.progress('sweep worker: Redis did not answer while closing; exiting anyway');
    process.exit(ExitCode.ok);
  }
  return ExitCode.ok;
}

function human(doc: Record<string, unknown>, passing: number, total: number): string {
  const rec = doc.recommended as { params: Record<string, unknown>; nodes: number } | null;
  return [
    `${passing} of ${total} points meet the SLO (${(doc.slo as string[]).join(', ')}) in every seed`,
    rec === null ? 'recommendation: none — no point meets the SLO' : `recommendation: ${Object.entries(rec.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')} (${rec.nodes} nodes)`,
    `files: ${(doc.files as string[]).join(', ')}`,
  ].join('\n');
}
