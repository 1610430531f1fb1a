// bestPath against brute force on random grids: the minimum latency among the available paths (public
// IP over the underlay, Z-Net, planetary overlay), never an unavailable one; and a hand-computed example.
import test from 'ava';
import fc from 'fast-check';

import { PlanetaryOverlay } from '../../sim/network/planetary/overlay.js';
import { buildTopology, type Topology } from '../../sim/network/topology/graph.js';
import { planZNet } from '../../sim/network/znet/plan.js';
import { znetPath } from '../../sim/network/znet/reach.js';
import { UnderlayLatency } from '../../sim/network/znet/underlay.js';
import type { ZNet } from '../../sim/network/znet/znet.js';
import { bestPath, type PathEnv } from '../../sim/network/znic/best-path.js';
import { NicAllocator, type ZMachineNics } from '../../sim/network/znic/nics.js';
import { connectedGraph, topologyOf } from '../helpers/network-graphs.js';
import { fcParams } from '../helpers/fc-params.js';

/** All-pairs latencies by Floyd–Warshall: a brute force independent of the Dijkstra under test. */
function allPairsS(topology: Topology): number[][] {
  const n = topology.nodeCount;
  const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)));
  for (let e = 0; e < topology.edgeCount; e++) {
    const [a, b, l] = [topology.edgeA[e]!, topology.edgeB[e]!, topology.edgeLatencyS[e]!];
    d[a]![b] = d[b]![a] = Math.min(d[a]![b]!, l);
  }
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i]![j] = Math.min(d[i]![j]!, d[i]![k]! + d[k]![j]!);
  return d;
}

interface World {
  readonly env: PathEnv;
  readonly machines: ZMachineNics[];
  readonly net: ZNet;
}

function buildWorld(topology: Topology, overlay: PlanetaryOverlay, members: number[], publicNodes: Set<number>, down: Set<number>, wants: { planetary: boolean; publicIp: boolean }[]): World {
  const underlay = new UnderlayLatency(topology, Int32Array.from({ length: topology.nodeCount }, (_, i) => i));
  const latencyS = (a: number, b: number) => underlay.latencyS(a, b);
  const net = planZNet({ name: 'n', ip_range: '10.5.0.0/16', nodes: members.map((node) => ({ node, wireguard_listen_port: 3000 })) }, { isPublic: (x) => publicNodes.has(x) }, { latencyS });
  let nextIp = 1;
  const allocator = new NicAllocator({
    network: (name) => (name === 'n' ? net : undefined),
    hasPublicConfig: (x) => publicNodes.has(x),
    overlayKey: (x) => overlay.keys[x]!,
    ipv4Pool: { reserveIpv4: () => `185.0.0.${nextIp++}`, releaseIpv4: () => {} },
  });
  const machines = members.map((node, i) =>
    allocator.attach({ workloadId: `1-1-vm${i}`, node, network: 'n', planetary: wants[i]!.planetary, ...(wants[i]!.publicIp && publicNodes.has(node) ? { publicIp: { v4: true, v6: false } } : {}) }),
  );
  const env: PathEnv = {
    isUp: (x) => !down.has(x),
    latencyS,
    network: (name) => (name === 'n' ? net : undefined),
    planetary: overlay,
    overlayNodeOf: (x) => x,
  };
  return { env, machines, net };
}

const worldCase = connectedGraph(14).chain((spec) =>
  fc.record({
    spec: fc.constant(spec),
    seed: fc.nat(),
    members: fc.uniqueArray(fc.nat(spec.n - 1), { minLength: 2, maxLength: Math.min(spec.n, 6) }),
    flags: fc.array(fc.boolean(), { minLength: spec.n, maxLength: spec.n }),
    down: fc.array(fc.nat(spec.n - 1), { maxLength: 2 }),
    failedLinks: fc.array(fc.nat(), { maxLength: 2 }),
    wants: fc.array(fc.record({ planetary: fc.boolean(), publicIp: fc.boolean() }), { minLength: 6, maxLength: 6 }),
  }),
);

test('property: bestPath is the minimum over the available candidates (brute force) and never an unavailable one', (t) => {
  fc.assert(
    fc.property(worldCase, ({ spec, seed, members, flags, down, failedLinks, wants }) => {
      const topology = topologyOf(spec);
      const overlay = new PlanetaryOverlay(topology, { seed });
      // A failed link not yet detected: routes over it are lost, the overlay's "broken route" case.
      for (const k of failedLinks) overlay.failLink(topology.edgeA[k % topology.edgeCount]!, topology.edgeB[k % topology.edgeCount]!);
      const publicNodes = new Set(flags.flatMap((f, i) => (f ? [i] : [])));
      publicNodes.add(members[0]!);
      const downSet = new Set(down);
      const { env, machines, net } = buildWorld(topology, overlay, members, publicNodes, downSet, wants);
      const floyd = allPairsS(topology);
      for (const from of machines) {
        for (const to of machines) {
          const ends = !downSet.has(from.node) && !downSet.has(to.node);
          const brute: Record<string, number> = {};
          if (ends && to.public !== undefined) brute['public'] = floyd[from.node]![to.node]!;
          const z = znetPath(net, from.node, to.node, env);
          if (ends && z.reachable) brute['znet'] = z.latencyS;
          const r = overlay.route(from.node, to.node);
          if (ends && from.planetary && to.planetary && r.status === 'delivered') brute['planetary'] = r.latencyS;
          const minS = Math.min(...Object.values(brute));
          const got = bestPath(from, to, env);
          if (!got.found) {
            if (Object.keys(brute).length > 0) throw new Error(`${from.node}→${to.node}: none found but ${JSON.stringify(brute)}`);
            continue;
          }
          const mine = brute[got.best.kind];
          if (mine === undefined) throw new Error(`${from.node}→${to.node}: chose unavailable ${got.best.kind}`);
          if (Math.abs(got.best.latencyS - minS) > 1e-12 || Math.abs(mine - got.best.latencyS) > 1e-12) {
            throw new Error(`${from.node}→${to.node}: chose ${got.best.kind} ${got.best.latencyS}, brute force ${JSON.stringify(brute)}`);
          }
          for (const c of got.candidates) if (c.available !== (brute[c.kind] !== undefined)) throw new Error(`${c.kind} ${from.node}→${to.node}: available ${c.available}`);
        }
      }
    }),
    fcParams('znic-best-path #1', 40),
  );
  t.pass();
});

test('hand example on a line 0 -1ms- 1 -2ms- 2 -4ms- 3: public, planetary, Z-Net, then nothing', (t) => {
  const topology = buildTopology({ source: 'line', labels: ['0', '1', '2', '3'], from: [0, 1, 2], to: [1, 2, 3], latencyS: [0.001, 0.002, 0.004] });
  const overlay = new PlanetaryOverlay(topology, { seed: 7 });
  const publicNodes = new Set([0, 3]);
  const both = { planetary: true, publicIp: true };
  // Machines on hidden node 2 and public node 3; node 0 joins the network and is nearer node 2 (3 ms vs 4 ms).
  const world = buildWorld(topology, overlay, [2, 3, 0], publicNodes, new Set(), [both, both, both]);
  const [x, y] = world.machines as [ZMachineNics, ZMachineNics];
  t.is(world.net.accessNode, 0);
  const all = bestPath(x, y, world.env);
  if (!all.found) return t.fail(all.reason);
  // Public and planetary both take the 4 ms link (a line's tree is the line); the tie goes to public.
  t.is(all.best.kind, 'public');
  t.is(all.best.latencyS, 0.004);
  t.deepEqual(all.candidates.map((c) => (c.available ? [c.kind, Math.round(c.latencyS * 1e6)] : [c.kind, 'down'])), [['znet', 10_000], ['public', 4000], ['planetary', 4000]]);

  const noPublic = { ...y, public: undefined };
  const overlayOnly = bestPath(x, noPublic, world.env);
  t.true(overlayOnly.found && overlayOnly.best.kind === 'planetary');
  const privateOnly = bestPath({ ...x, planetary: undefined }, noPublic, world.env);
  t.true(privateOnly.found && privateOnly.best.kind === 'znet' && Math.abs(privateOnly.best.latencyS - 0.01) < 1e-12);

  const accessDown = { ...world.env, isUp: (n: number) => n !== 0 };
  const none = bestPath({ ...x, planetary: undefined }, noPublic, accessDown);
  t.false(none.found);
  if (!none.found) t.regex(none.reason, /znet: hop node 0 is down; public: .*no public IP; planetary: .*no planetary NIC/);
});
