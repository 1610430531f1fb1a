// The built-in network scenarios: each holds its invariants in well under 5 s, and those invariants are
// not vacuous: without the fault the delivery never dips, and the root really carries more than its share.
import test from 'ava';
import { builtinScenario, builtinScenarios, compileBuiltin } from '../../scenarios/builtin/index.js';
import { grids } from '../../scenarios/grids.js';
import { rootPathShare } from '../../scenarios/root-share.js';
import { runScenario } from '../../scenarios/runner.js';
import { World } from '../../sim/grid/world.js';

const network = builtinScenarios.filter((s) => s.name.startsWith('net-'));

test('there are four built-in network scenarios', (t) => {
  t.deepEqual(network.map((s) => s.name), ['net-planetary-root-loss', 'net-bridge-link-cut', 'net-root-hot-spot', 'net-farm-partition-healed']);
});

for (const scenario of network) {
  test(`built-in ${scenario.name}: every invariant holds`, async (t) => {
    const startedMs = performance.now();
    const summary = await runScenario(compileBuiltin(scenario));
    const wallS = (performance.now() - startedMs) / 1000;
    t.log(`${scenario.name}: ${wallS.toFixed(2)} s wall, ${summary.events} events, converged after ${summary.convergedAfterS} s`);
    for (const inv of summary.invariants) t.log(`  ${inv.ok ? 'ok' : 'FAIL'} ${inv.name}${inv.detail === undefined ? '' : ` — ${inv.detail}`}`);
    for (const inv of summary.invariants) t.true(inv.ok, `${inv.phase} ${inv.name}: ${inv.detail ?? ''}`);
    t.is(summary.failed, null);
  });
}

for (const name of ['net-planetary-root-loss', 'net-bridge-link-cut', 'net-root-hot-spot', 'net-farm-partition-healed']) {
  test(`built-in ${name}: without its fault the delivery never dips (the dip is the fault's)`, async (t) => {
    const summary = await runScenario(compileBuiltin({ ...builtinScenario(name)!, faults: [] }));
    const dips = summary.invariants.find((i) => i.name.startsWith('planetary delivery dips'))!;
    t.false(dips.ok, dips.detail);
    t.regex(dips.detail ?? '', /never fell below/);
  });
}

test('built-in net-planetary-root-loss: the root lost is the one the overlay had, and a new one takes over', (t) => {
  const world = new World({ seed: '1', grid: grids.farm100 });
  const before = world.net.planetaryRoot();
  world.grid.crash(before);
  world.sim.run({ untilS: 600 });
  const after = world.net.planetaryRoot();
  t.true(before >= 0 && after >= 0);
  t.not(after, before, 'a new root after the old record expired');
});

test('root hot spot: the root carries several times the transit share of an average node', (t) => {
  const world = new World({ seed: '1', grid: grids.farm100 });
  const m = rootPathShare(world.net, world.rngs.stream('test.root-share'));
  t.log(`root ${m.root}: ${(100 * m.share).toFixed(1)} % of ${m.delivered} paths, average node ${(100 * m.averageNodeShare).toFixed(1)} %`);
  t.is(m.delivered, 1000);
  t.true(m.share > 0.1, `${m.share}`);
  t.true(m.share > 2 * m.averageNodeShare, `${m.share} vs ${m.averageNodeShare}`);
});
