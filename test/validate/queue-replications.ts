// Independent replications of a queue validation, one worker thread each, pooled into one set of
// batch means; and the check every statistical queue test states: exact inside the 95 % CI, the CI
// narrower than the tolerance, and the point estimate within it. Not a test file.
import {
  replicationSeed,
  validateQueueReplications,
  type QueueBatches,
  type QueueFigure,
  type QueueParams,
  type QueueValidation,
} from '../../sim/validate/queueing.js';
import { startWorkerThread } from '../../sim/project-files.js';

function replicate(p: QueueParams): Promise<QueueBatches> {
  return new Promise((resolve, reject) => {
    const worker = startWorkerThread('test/validate/queue-replication-worker', { workerData: p });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`queue replication worker exited with ${code}`));
    });
  });
}

/**
 * Runs `replications` independent replications of `p` (p.customers each, seeds from replicationSeed,
 * so the pooled result does not depend on which worker finishes first) in parallel.
 */
export async function validateInParallel(p: QueueParams, replications: number): Promise<QueueValidation> {
  const runs = await Promise.all(Array.from({ length: replications }, (_, i) => replicate({ ...p, seed: replicationSeed(p.seed, i) })));
  return validateQueueReplications(p, runs);
}

/** The exact value of each figure, including P(wait) for M/M/c (for M/M/1 it is ρ). */
export function exactOf(v: QueueValidation, k: QueueFigure, rho: number): number {
  if (k === 'erlangC') return 'erlangC' in v.exact ? v.exact.erlangC : rho;
  return v.exact[k];
}

/**
 * Problems with figure k, empty when the check passes: the exact value lies inside the 95 % CI, the
 * CI's relative half-width is below `tolerance`, and so (implied, but checked) is the relative error.
 */
export function ciProblems(v: QueueValidation, k: QueueFigure, exact: number, tolerance: number): string[] {
  const ci = v.measured.ci95[k];
  const problems: string[] = [];
  const what = `${k}: exact ${exact.toPrecision(6)}, measured ${ci.estimate.toPrecision(6)} ± ${ci.halfWidth.toPrecision(3)} (95 %, ±${(ci.relHalfWidth * 100).toFixed(2)} %, ${ci.batches} batches)`;
  if (!(exact >= ci.low && exact <= ci.high)) problems.push(`${what}: exact outside the CI`);
  if (!(ci.relHalfWidth < tolerance)) problems.push(`${what}: CI wider than ±${tolerance * 100} %`);
  if (!(Math.abs(ci.estimate - exact) / exact < tolerance)) problems.push(`${what}: off by more than ${tolerance * 100} %`);
  return problems;
}

/** One line per figure for t.log. */
export function describeCi(v: QueueValidation, k: QueueFigure, exact: number): string {
  const ci = v.measured.ci95[k];
  return `${k} exact ${exact.toPrecision(6)} measured ${ci.estimate.toPrecision(6)}, 95 % CI [${ci.low.toPrecision(6)}, ${ci.high.toPrecision(6)}] = ±${(ci.relHalfWidth * 100).toFixed(2)} %`;
}
