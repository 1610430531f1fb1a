// GridNetwork on a small World: the underlay derived from the grid spec, link and partition faults,
// the Planetary Network's delivery through a partition and back, and laziness.
import test from 'ava';
import { InputError } from '../../sim/errors.js';
import { components } from '../../sim/network/topology/graph.js';
import { World } from '../../sim/grid/world.js';
import { fixedExample, smallWorld } from '../helpers/world.js';

/** Five farms of two to four nodes: enough sites for k-nearest links and a real partition. */
function fiveFarmWorld(seed: string | number = 7): World {
  const farm = (name: string, count: number, ipv4: number) => ({ name, publicIpv4Count: ipv4, nodes: [{ template: 'diy-small', count }] });
  return new World({ seed, armDeviceFailures: false, grid: { farms: [farm('ghent', 4, 2), farm('cairo', 3, 1), farm('lima', 2, 2), farm('oslo', 3, 0), farm('tokyo', 4, 3)] } });
}

/** Delivered share of the probes routed while `body` advances the clock. */
function deliveryDuring(world: World, untilS: number): { routed: number; delivered: number } {
  const before = world.net.stats();
  world.sim.run({ untilS });
  const after = world.net.stats();
  return { routed: after.probesRouted - before.probesRouted, delivered: after.probesDelivered - before.probesDelivered };
}

test('the underlay comes from the grid spec alone: same seed, same sites and links; one piece; sites at the end', (t) => {
  const a = fiveFarmWorld(7).net;
  const b = fiveFarmWorld(7).net;
  const c = fiveFarmWorld(8).net;
  t.deepEqual(a.links(), b.links());
  t.deepEqual([...a.underlay.siteLatDeg], [...b.underlay.siteLatDeg]);
  t.notDeepEqual([...a.underlay.siteLatDeg], [...c.underlay.siteLatDeg]);
  const { topology } = a.underlay;
  t.is(topology.nodeCount, 16 + 5);
  // Every node hangs off its own farm's site; sites link to at least one other site.
  for (const { a: x, b: y } of a.links()) if (x < 16) t.true(y >= 16, `node ${x} links only to its site`);
  t.is(new Set(components(topology)).size, 1);
  t.is(a.stats().partitions, 0);
  t.true(a.latency.latencyS(0, 15) > a.latency.latencyS(0, 1), 'a distant farm is further than the LAN');
});

test('a link cut partitions and heals; unknown links are bad input naming the link', (t) => {
  const net = smallWorld(1).net;
  net.cutLink(4, 7);
  t.like(net.stats(), { linksDown: 1, partitions: 1 });
  t.is(net.latency.latencyS(0, 4), Infinity);
  net.healLink(4, 7);
  t.like(net.stats(), { linksDown: 0, partitions: 0 });
  t.true(Number.isFinite(net.latency.latencyS(0, 4)));
  const error = t.throws(() => net.cutLink(0, 5), { instanceOf: InputError });
  t.is(error?.field, 'link 0-5');
  t.is(error?.code, 'E_BAD_INPUT');
});

test('partitionFarms cuts the site links around the farms; healPartition puts them back; powered-off nodes do not count', (t) => {
  const world = fiveFarmWorld();
  const net = world.net;
  net.partitionFarms([1, 3]);
  const s = net.stats();
  t.true(s.linksDown >= 1);
  t.true(s.partitions >= 1);
  net.healPartition();
  t.like(net.stats(), { linksDown: 0, partitions: 0 });
  // A lone powered-off node is no extra piece, and a cut to it is not counted as one while it is off.
  world.grid.powerOff(0);
  net.cutLink(0, 16);
  t.is(net.stats().partitions, 0);
  world.grid.powerOn(0);
  t.is(net.stats().partitions, 1);
  t.throws(() => net.partitionFarms([9]), { instanceOf: InputError, message: /farms\[0\]/ });
});

test('planetary delivery drops during a partition and recovers after the soft-state timers', (t) => {
  const world = fiveFarmWorld();
  const net = world.net;
  net.startProbes(1, 20);
  const steady = deliveryDuring(world, 60);
  t.true(steady.routed >= 1000);
  t.is(steady.delivered, steady.routed, 'everything is delivered in steady state');
  net.partitionFarms([0, 4]);
  const cut = deliveryDuring(world, 120);
  t.true(cut.delivered < 0.9 * cut.routed, `during the cut ${cut.delivered}/${cut.routed}`);
  net.healPartition();
  // The side cut off from the root re-elects only after the router timeout (300 s) and merges back on heal.
  deliveryDuring(world, 520);
  const healed = deliveryDuring(world, 580);
  net.stopProbes();
  t.is(healed.delivered, healed.routed, `after healing ${healed.delivered}/${healed.routed}`);
  t.true(net.stats().meanStretch >= 1);
  t.log(`steady ${steady.delivered}/${steady.routed}; cut ${cut.delivered}/${cut.routed}; healed ${healed.delivered}/${healed.routed}; stretch ${net.stats().meanStretch.toFixed(3)}`);
});

test('node power reaches the overlay: a powered-off node is routed around and comes back', (t) => {
  const world = fiveFarmWorld();
  const net = world.net;
  const root = net.planetaryRoot();
  t.true(root >= 0);
  world.grid.powerOff(root);
  world.sim.run({ untilS: 400 });
  t.not(net.planetaryRoot(), root, 'a new root after the router timeout');
  t.is(net.overlay.nodeUp[root], 0);
  world.grid.powerOn(root);
  world.sim.run({ untilS: 800 });
  t.is(net.overlay.nodeUp[root], 1);
  t.is(net.planetaryRoot(), root, 'the best key wins the root back');
});

test('the network is built only when asked for, even with network workloads deployed', (t) => {
  const world = smallWorld(1);
  world.deploy(0, fixedExample());
  world.sim.run({ untilS: 60 });
  t.is(world.provision.deployment(0, 1)?.workloads.find((w) => w.type === 'network')?.result?.state, 'ok');
  t.is(world.netRegistry.znets.size, 1, 'the network workload is recorded');
  t.is(world.netIfBuilt, undefined);
  t.is(world.net, world.net);
  t.not(world.netIfBuilt, undefined);
});
