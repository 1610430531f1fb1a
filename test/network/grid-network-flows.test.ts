// Underlay transfers on a small World (farm-a: nodes 0-4 behind site 7; farm-b: nodes 5-6 behind site 8):
// durations by hand from LAN and site capacities, max-min sharing, failures under cuts, laziness.
import test from 'ava';
import { InputError } from '../../sim/errors.js';
import { LinkFailedError } from '../../sim/hardware/flow-network.js';
import type { FlowEvent } from '../../sim/hardware/flow-network.js';
import { NoRouteError } from '../../sim/network/grid-network-flows.js';
import { LAN_BANDWIDTH_BYTES_PER_S, LAN_LATENCY_S } from '../../sim/network/grid-network-underlay.js';
import type { GridNetwork } from '../../sim/network/grid-network.js';
import { findEdge } from '../../sim/network/topology/graph.js';
import { World } from '../../sim/grid/world.js';
import { smallWorld } from '../helpers/world.js';

const MB = 1e6;
const siteA = 7;
const siteB = 8;
const near = (actual: number, expected: number): boolean => Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));

/** The fibre latency between the two sites, which the 'net.sites' stream placed. */
function siteLatencyS(net: GridNetwork): number {
  const { topology } = net.underlay;
  return topology.edgeLatencyS[findEdge(topology, siteA, siteB)]!;
}

interface Outcome {
  endS: number;
  durationS: number;
  error: unknown;
}

/** Records when each event is processed; a failure is taken as handled so the run goes on. */
function watch(world: World, event: FlowEvent): Outcome {
  const outcome: Outcome = { endS: NaN, durationS: NaN, error: undefined };
  event.onProcessed((e) => {
    outcome.endS = world.sim.nowS;
    if (e.ok) outcome.durationS = e.value!.durationS;
    else {
      outcome.error = e.error;
      e.defused = true;
    }
  });
  return outcome;
}

test('one transfer alone: bytes at the LAN bottleneck plus the path latency', (t) => {
  const world = smallWorld(1);
  const net = world.net;
  const edge = (x: number, y: number): number => findEdge(net.underlay.topology, x, y);
  t.deepEqual(net.flows.route(0, 5), [edge(0, siteA), edge(siteA, siteB), edge(siteB, 5)]);
  const latencyS = 2 * LAN_LATENCY_S + siteLatencyS(net);
  const run = watch(world, net.transfer(0, 5, 250 * MB));
  world.sim.run({ untilS: 10 });
  // 250 MB over the 1 Gb/s uplink (125 MB/s; the 10 Gb/s site link is not the bottleneck) is 2 s.
  const expectedS = (250 * MB) / LAN_BANDWIDTH_BYTES_PER_S + latencyS;
  t.true(near(run.durationS, expectedS), `duration ${run.durationS} vs ${expectedS}`);
  t.true(near(run.endS, expectedS));
  t.log(`site latency ${(siteLatencyS(net) * 1e3).toFixed(3)} ms; 250 MB node 0 → node 5 in ${run.durationS.toFixed(6)} s`);
  // Inside a farm only the two LAN hops: 125 MB in 1 s + 200 µs.
  const lan = watch(world, net.transfer(1, 2, 125 * MB));
  world.sim.run({ untilS: 20 });
  t.true(near(lan.durationS, 1 + 2 * LAN_LATENCY_S), `LAN duration ${lan.durationS}`);
});

test('two transfers over a 100 MB/s site link get 50 MB/s each', (t) => {
  const world = smallWorld(1);
  const net = world.net;
  net.setLinkBandwidth(siteA, siteB, 100 * MB);
  const latencyS = 2 * LAN_LATENCY_S + siteLatencyS(net);
  const a = watch(world, net.transfer(0, 5, 50 * MB));
  const b = watch(world, net.transfer(1, 6, 50 * MB));
  world.sim.run({ untilS: latencyS + 0.5 });
  const site = net.flows.flowLinkIfBuilt(findEdge(net.underlay.topology, siteA, siteB))!;
  t.like(net.flows.network.linkStats(site), { activeFlowCount: 2, loadBytesPerS: 100 * MB });
  world.sim.run({ untilS: 10 });
  // Each moves 50 MB at 50 MB/s: 1 s after the latency, together.
  t.true(near(a.durationS, 1 + latencyS), `A ${a.durationS}`);
  t.true(near(b.durationS, 1 + latencyS), `B ${b.durationS}`);
  t.is(net.flows.network.linkStats(site).bytesTransferred, 100 * MB);
});

test('three flows over a shared uplink and a shared site link get the max-min split', (t) => {
  const world = smallWorld(1);
  const net = world.net;
  net.setLinkBandwidth(siteA, siteB, 150 * MB);
  const L = siteLatencyS(net);
  const lanS = 2 * LAN_LATENCY_S;
  // A: 0 → 5 (uplink 0 + site link), C: 0 → 1 (uplink 0, same farm), B: 2 → 6 (site link).
  const flowA = net.transfer(0, 5, 125 * MB);
  const flowB = net.transfer(2, 6, 175 * MB);
  const flowC = net.transfer(0, 1, 125 * MB);
  const [a, b, c] = [watch(world, flowA), watch(world, flowB), watch(world, flowC)];
  // Uplink 0 at 125 MB/s saturates first (62.5 each for A and C); B takes the site link's 150 − 62.5.
  world.sim.run({ untilS: lanS + L + 0.5 });
  const rate = (e: FlowEvent): number | undefined => net.flows.network.flowRateBytesPerS(e.flowId);
  t.deepEqual([rate(flowA), rate(flowB), rate(flowC)], [62.5 * MB, 87.5 * MB, 62.5 * MB]);
  world.sim.run({ untilS: 10 });
  // C ran alone at 125 MB/s for L s before A and B paid their latency, so it ends at lanS + 2 − L. Then A
  // and B split the site link at 75 each with 125·L and 175·L MB left: A ends after (5/3)·L; B then runs
  // at its uplink's 125 MB/s with 50·L MB left, another 0.4·L.
  t.true(near(c.endS, lanS + 2 - L), `C ${c.endS}`);
  t.true(near(a.endS, lanS + 2 + (2 / 3) * L), `A ${a.endS}`);
  t.true(near(b.endS, lanS + 2 + (16 / 15) * L), `B ${b.endS}`);
  t.log(`L = ${(L * 1e3).toFixed(3)} ms; ends C ${c.endS.toFixed(6)} A ${a.endS.toFixed(6)} B ${b.endS.toFixed(6)} s`);
});

test('a transfer in flight fails with E_LINK_FAILED when its site link is cut; no path fails at once', (t) => {
  const world = smallWorld(1);
  const net = world.net;
  const cut = watch(world, net.transfer(0, 5, 1000 * MB));
  const bystander = watch(world, net.transfer(0, 1, 125 * MB));
  world.sim.schedule(0.5, () => net.cutLink(siteA, siteB));
  world.sim.run({ untilS: 0.75 });
  t.true(cut.error instanceof LinkFailedError, String(cut.error));
  t.is((cut.error as LinkFailedError).code, 'E_LINK_FAILED');
  t.is(cut.endS, 0.5);
  // No path now: the event fails at this instant with a message naming both nodes.
  const none = watch(world, net.transfer(1, 6, MB));
  world.sim.run({ untilS: 0.8 });
  t.true(none.error instanceof NoRouteError);
  t.is((none.error as NoRouteError).code, 'E_LINK_FAILED');
  t.regex(String(none.error), /node 1 to node 6/);
  t.is(none.endS, 0.75);
  // Healing brings the link back for new transfers; the intra-farm one never noticed.
  net.healLink(siteA, siteB);
  const again = watch(world, net.transfer(2, 6, 125 * MB));
  world.sim.run({ untilS: 10 });
  t.true(Number.isFinite(again.durationS));
  t.true(near(again.durationS, 1 + 2 * LAN_LATENCY_S + siteLatencyS(net)));
  t.is(bystander.error, undefined);
  // Uplink 0: alone at 125 MB/s from 200 µs until the cut flow ends its latency (L later), shared at
  // 62.5 MB/s until the cut at 0.5 s, then alone again for what is left.
  const [lanS, L] = [2 * LAN_LATENCY_S, siteLatencyS(net)];
  const movedBytes = 125 * MB * L + 62.5 * MB * (0.5 - lanS - L);
  const expectedS = 0.5 + (125 * MB - movedBytes) / (125 * MB);
  t.true(near(bystander.durationS, expectedS), `bystander ${bystander.durationS} vs ${expectedS}`);
});

test('a farm partition and an endpoint powering off fail transfers in flight', (t) => {
  const world = smallWorld(1);
  const net = world.net;
  const partitioned = watch(world, net.transfer(0, 5, 1000 * MB));
  const poweredOff = watch(world, net.transfer(1, 2, 1000 * MB));
  world.sim.schedule(0.25, () => net.partitionFarms([1]));
  world.sim.schedule(0.5, () => world.grid.powerOff(2));
  world.sim.run({ untilS: 1 });
  t.true(partitioned.error instanceof LinkFailedError);
  t.is(partitioned.endS, 0.25);
  t.true(poweredOff.error instanceof LinkFailedError);
  t.is(poweredOff.endS, 0.5);
  const toOff = watch(world, net.transfer(1, 2, MB));
  world.sim.run({ untilS: 2 });
  t.true(toOff.error instanceof NoRouteError, 'a powered-off node has no path');
});

test('bad input names the field; a loopback transfer takes no time', (t) => {
  const world = smallWorld(1);
  const net = world.net;
  t.is(t.throws(() => net.transfer(0, 7, MB), { instanceOf: InputError })?.field, 'toNode');
  t.is(t.throws(() => net.transfer(-1, 5, MB), { instanceOf: InputError })?.field, 'fromNode');
  t.is(t.throws(() => net.transfer(0, 5, -1), { instanceOf: InputError })?.field, 'bytes');
  t.is(t.throws(() => net.setLinkBandwidth(siteA, siteB, 0), { instanceOf: InputError })?.field, 'bandwidthBytesPerS');
  const loop = watch(world, net.transfer(3, 3, MB));
  world.sim.run({ untilS: 1 });
  t.is(loop.durationS, 0);
});

test('lazy: nothing is built before the first transfer, and the state hash is untouched', (t) => {
  const world = smallWorld(1);
  const net = world.net;
  const before = JSON.stringify(net.hashState());
  net.cutLink(siteA, siteB);
  net.healLink(siteA, siteB);
  t.is(net.flowsIfBuilt, undefined);
  const linksBefore = world.network.linkCount;
  watch(world, net.transfer(0, 5, MB));
  t.not(net.flowsIfBuilt, undefined);
  t.is(net.flows.network, world.network, 'one flow model with the hub\'s');
  t.is(world.network.linkCount - linksBefore, 3, 'only the three links of the path');
  t.is(JSON.stringify(net.hashState()), before);
});

test('determinism: same seed, same durations; another seed moves the sites and the durations', (t) => {
  const durations = (seed: number): number[] => {
    const world = smallWorld(seed);
    const runs = [watch(world, world.net.transfer(0, 5, 300 * MB)), watch(world, world.net.transfer(1, 6, 100 * MB)), watch(world, world.net.transfer(0, 6, 50 * MB))];
    world.sim.run({ untilS: 20 });
    return runs.map((r) => r.durationS);
  };
  const first = durations(3);
  t.deepEqual(durations(3), first);
  t.notDeepEqual(durations(4), first);
  t.true(first.every(Number.isFinite));
});

test('across five sites the route is the latency model\'s shortest path, hop by hop', (t) => {
  const farm = (name: string, count: number) => ({ name, publicIpv4Count: 0, nodes: [{ template: 'diy-small', count }] });
  const world = new World({ seed: 7, armDeviceFailures: false, grid: { farms: ['ghent', 'cairo', 'lima', 'oslo', 'tokyo'].map((n) => farm(n, 2)) } });
  const net = world.net;
  const { topology } = net.underlay;
  let longest = 0;
  for (let from = 0; from < 10; from += 2) for (let to = 1; to < 10; to += 2) {
    const route = net.flows.route(from, to)!;
    longest = Math.max(longest, route.length);
    const sumS = route.reduce((s, e) => s + topology.edgeLatencyS[e]!, 0);
    t.true(near(sumS, net.latency.latencyS(from, to)), `${from}→${to}: ${sumS} vs ${net.latency.latencyS(from, to)}`);
    t.is(topology.edgeA[route[0]!], from, 'starts on the source uplink');
    t.is(topology.edgeA[route.at(-1)!], to, 'ends on the target uplink');
  }
  t.true(longest >= 4, `some route crosses two site links or more (longest ${longest})`);
  const run = watch(world, net.transfer(0, 9, 125 * MB));
  world.sim.run({ untilS: 10 });
  t.true(near(run.durationS, 1 + net.latency.latencyS(0, 9)), `${run.durationS}`);
  t.log(`0 → 9 over ${net.flows.route(0, 9)!.length} links in ${run.durationS.toFixed(6)} s`);
});
