// The swarm with network faults in its mix: generated link cuts, farm partitions and root losses compile
// against the grid they were drawn for, run, and heal by the end (no partition left).
import test from 'ava';
import fc from 'fast-check';
import { compileScenario } from '../../scenarios/compile.js';
import { runScenario } from '../../scenarios/runner.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { runSwarm, scenarioArbitrary } from '../../scenarios/swarm.js';

const networkKinds = new Set(['link-cut', 'partition-farms', 'planetary-root-loss']);

test('swarm: generated cases include every network fault kind, each valid for its grid', (t) => {
  const cases = fc.sample(scenarioArbitrary(600, false), { numRuns: 60, seed: 11 });
  const kinds = new Set(cases.flatMap((s) => (s.faults ?? []).map((f) => f.kind)).filter((k) => networkKinds.has(k)));
  t.deepEqual([...kinds].sort(), ['link-cut', 'partition-farms', 'planetary-root-loss']);
  for (const s of cases) {
    const compiled = compileScenario(s, 'swarm');
    if (compiled.faults.some((f) => networkKinds.has(f.kind))) t.true(compiled.invariants.some((i) => i.kind === 'no-partition-at-end'), s.description);
  }
});

test('swarm: cases with network faults hold every invariant, the grid in one piece at the end', async (t) => {
  const seen: string[] = [];
  const result = await runSwarm({ runs: 8, seed: 4242, maxNodes: 300, onRun: (_i, s, summary) => seen.push(`${s.description} → ${summary.failed ?? 'ok'}`) });
  t.log(seen.join('\n'));
  t.is(result.failure, null);
  t.true(seen.some((line) => /link-cut|partition-farms|planetary-root-loss/.test(line)), 'some case had a network fault');
});

test('swarm: a generated link cut of a node uplink really cuts the node off until the heal', async (t) => {
  const [scenario] = fc.sample(
    scenarioArbitrary(120, false).filter((s): s is Scenario => (s.faults ?? []).some((f) => f.kind === 'link-cut')),
    { numRuns: 1, seed: 3 },
  );
  const cut = scenario!.faults!.find((f) => f.kind === 'link-cut')!;
  if (cut.kind !== 'link-cut') return t.fail();
  const withCheck: Scenario = { ...scenario!, invariants: [...scenario!.invariants, { kind: 'network-partitions', atS: Number(cut.atS) + 1, min: 1 }] };
  const summary = await runScenario(compileScenario(withCheck, 'swarm'));
  for (const inv of summary.invariants) t.true(inv.ok, `${inv.name}: ${inv.detail ?? ''}`);
});
