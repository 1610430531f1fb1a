// The frontier search: on monotone pass/fail tables it finds exactly the smallest passing size of
// every level (checked against a scan), with far fewer evaluations than the full grid.
import test from 'ava';
import fc from 'fast-check';
import { searchFrontier } from '../../scenarios/plan-search.js';

function tableSearch(thresholds: readonly number[], sizes: number) {
  const tried: string[] = [];
  const run = searchFrontier(thresholds.length, sizes, async (level, size) => {
    tried.push(`${level}:${size}`);
    return { pass: size >= thresholds[level]! };
  });
  return { run, tried };
}

test('monotone tables: each level gets the first passing size (or none), as a full scan would', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 200 }), fc.array(fc.integer({ min: 0, max: 250 }), { minLength: 1, maxLength: 8 }), async (sizes, raw) => {
      // More demand never needs fewer nodes: thresholds ascending.
      const thresholds = [...raw].sort((a, b) => a - b);
      const { run, tried } = tableSearch(thresholds, sizes);
      const answers = await run;
      answers.forEach((a, level) => {
        const expected = thresholds[level]! < sizes ? thresholds[level] : undefined;
        if (a.size !== expected) throw new Error(`level ${level}: ${a.size} ≠ ${expected}`);
        if (a.size !== undefined && a.size > 0 && a.below !== undefined && a.below.size !== a.size - 1) throw new Error('below is the size just under');
      });
      if (new Set(tried).size !== tried.length) throw new Error('a point was evaluated twice');
    }),
    { seed: 7, numRuns: 300 },
  );
  t.pass();
});

test('a 5-level × 20-size plan evaluates at most 30 % of the full grid', async (t) => {
  for (const thresholds of [[3, 6, 9, 12, 15], [0, 0, 1, 1, 2], [12, 14, 16, 18, 19], [19, 19, 19, 19, 19], [5, 5, 20, 20, 20]]) {
    const { run, tried } = tableSearch(thresholds, 20);
    await run;
    t.true(tried.length <= 0.3 * 5 * 20, `${thresholds.join(',')}: ${tried.length} of 100 evaluated`);
  }
});
