// The search behind `plan`: for each demand level, the smallest size that passes, assuming that a
// larger grid never does worse and a larger demand never needs less. It gallops up from the previous
// level's answer (1, 2, 4, 8… steps) and bisects the last gap, so a level costs O(log sizes)
// evaluations instead of one per size. Leaves out what an evaluation is (scenarios/plan.ts).

/** One size tried at one demand level: whether every seed met the SLO. */
export interface Evaluation {
  readonly pass: boolean;
}

/** Evaluates one size at one demand level (its seeds may run in parallel). */
export type Evaluate<E extends Evaluation> = (level: number, size: number) => Promise<E>;

export interface LevelAnswer<E extends Evaluation> {
  /** Index into the sizes of the smallest passing one, or undefined when none within bounds passes. */
  readonly size: number | undefined;
  /** The evaluation at that size, or at the largest size tried when none passed. */
  readonly at: E;
  /** The largest size tried below the answer that failed (what binds just under it), if any. */
  readonly below: { readonly size: number; readonly evaluation: E } | undefined;
}

/**
 * `levels` demand levels ascending, `sizes` candidate sizes ascending (indices 0…sizes−1). Levels are
 * searched in order; each starts at the previous answer, since more demand never needs fewer nodes.
 */
export async function searchFrontier<E extends Evaluation>(levels: number, sizes: number, evaluate: Evaluate<E>): Promise<LevelAnswer<E>[]> {
  const answers: LevelAnswer<E>[] = [];
  let from = 0;
  for (let level = 0; level < levels; level++) {
    const answer = await searchLevel(level, from, sizes, evaluate);
    answers.push(answer);
    // Nothing passed: no larger demand will pass either within these sizes; keep trying the largest.
    from = answer.size ?? sizes - 1;
  }
  return answers;
}

async function searchLevel<E extends Evaluation>(level: number, from: number, sizes: number, evaluate: Evaluate<E>): Promise<LevelAnswer<E>> {
  const one = (size: number): Promise<E> => evaluate(level, size);
  // Gallop: from, from+1, from+3, from+7… (clamped to the last size) until one passes.
  let failed: { size: number; evaluation: E } | undefined;
  let step = 1;
  let size = from;
  let passed: { size: number; evaluation: E } | undefined;
  for (;;) {
    const evaluation = await one(size);
    if (evaluation.pass) {
      passed = { size, evaluation };
      break;
    }
    failed = { size, evaluation };
    if (size === sizes - 1) return { size: undefined, at: evaluation, below: undefined };
    size = Math.min(sizes - 1, size + step);
    step *= 2;
  }
  // Bisect (failed.size, passed.size]: the answer is the first passing size in it.
  let lo = failed?.size ?? from - 1;
  let hi = passed;
  while (hi.size - lo > 1) {
    const mid = lo + Math.floor((hi.size - lo) / 2);
    const evaluation = await one(mid);
    if (evaluation.pass) hi = { size: mid, evaluation };
    else {
      lo = mid;
      failed = { size: mid, evaluation };
    }
  }
  const below = failed !== undefined && failed.size === hi.size - 1 ? failed : undefined;
  return { size: hi.size, at: hi.evaluation, below };
}
