// fast-check parameters that print their seed first (every run prints its seed), so that a failure
// replays with FC_SEED=…; FC_NUM_RUNS overrides the number of runs.

/** The seed is FC_SEED, or else a hash of `label`, so each property keeps its own fixed seed. */
export function fcParams(label: string, numRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : hashSeed(label);
  const runs = process.env.FC_NUM_RUNS !== undefined ? Number(process.env.FC_NUM_RUNS) : numRuns;
  console.log(`[${label}] fast-check seed=${seed} numRuns=${runs} (replay: FC_SEED=${seed})`);
  return { seed, numRuns: runs };
}

function hashSeed(label: string): number {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return h | 0;
}
