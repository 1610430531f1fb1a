// Mycelium routing properties on random connected graphs (fast-check, seeded; the seed is printed):
// no forwarding loop at any instant, seqnos never decrease, an unreachable prefix is withdrawn within
// detection + 6 s + propagation, and the event-driven flood reaches the full recompute's state.
import test from 'ava';
import fc from 'fast-check';

import { MyceliumNetwork, type MyceliumVersion, type SeqnoRequestRule } from '../../../sim/network/mycelium/router.js';
import { followRoute } from '../../../sim/network/mycelium/routes.js';
import { components } from '../../../sim/network/topology/graph.js';
import { connectedGraph, topologyOf } from '../../helpers/network-graphs.js';

const seed = 20_251_215;
const params = { seed, numRuns: 60 };

test('after a link failure: loop-free at every event, seqnos never decrease, cut-off prefixes withdrawn in time', (t) => {
  t.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(connectedGraph(24), fc.nat(), fc.nat(), fc.constantFrom<MyceliumVersion>('0.7.3', '0.7.5'), fc.boolean(), fc.constantFrom<SeqnoRequestRule>('mycelium', 'rfc8966'), (spec, destPick, edgePick, version, error, seqnoRequests) => {
      const topo = topologyOf(spec);
      const net = new MyceliumNetwork(topo, { seed: destPick, version, seqnoRequests });
      const dest = destPick % topo.nodeCount;
      const table = net.announce(dest);
      net.run();
      const edge = edgePick % topo.edgeCount;
      const fdSeqno = table.fdSeqno.slice();
      let sourceSeqno = table.sourceSeqno;
      const failure = net.failLink(edge, error ? 'connection-error' : 'silent');
      const label = components(topo, undefined, net.linkUp);
      const withdrawBy = Math.max(...failure.detectedS) + 6 + 1;
      while (net.sim.step()) {
        for (let u = 0; u < topo.nodeCount; u++) {
          if (u !== dest && followRoute(net, table, u).failure === 'loop') return false;
          if (table.fdSeqno[u]! < fdSeqno[u]!) return false;
          fdSeqno[u] = table.fdSeqno[u]!;
        }
        if (table.sourceSeqno < sourceSeqno) return false;
        sourceSeqno = table.sourceSeqno;
      }
      net.run(Math.max(net.nowS, withdrawBy));
      for (let u = 0; u < topo.nodeCount; u++) if (label[u] !== label[dest] && table.selected[u] !== -1) return false;
      return true;
    }),
    params,
  );
  t.pass();
});

test('the event-driven flood settles where the full recompute (quiet-start fixed point) is, on equal-cost links', (t) => {
  t.log(`fast-check seed ${seed}`);
  fc.assert(
    fc.property(connectedGraph(30), fc.nat(), (spec, destPick) => {
      const topo = topologyOf(spec, false);
      const dest = destPick % topo.nodeCount;
      const flood = new MyceliumNetwork(topo, { seed: 1 });
      const a = flood.announce(dest);
      flood.run();
      const full = new MyceliumNetwork(topo, { seed: 1 }).installSteadyState(dest);
      for (let u = 0; u < topo.nodeCount; u++) {
        if (u === dest) continue;
        if (a.fdMetric[u] !== full.fdMetric[u]) return false;
        if (followRoute(flood, a, u).hops !== followRoute(flood, full, u).hops) return false;
      }
      return true;
    }),
    params,
  );
  t.pass();
});

test('route requests stop at generation 16: a destination 16 hops away is found, 17 hops away is not', (t) => {
  const n = 20;
  const topo = topologyOf({ n, edges: Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as const), latencyUs: Array(n - 1).fill(1000) });
  for (const [dest, found] of [[16, true], [17, false]] as const) {
    const net = new MyceliumNetwork(topo, { seed: 1 });
    const table = net.requestRoute(0, dest);
    net.run();
    t.is(followRoute(net, table, 0).delivered, found, `destination ${dest}`);
  }
});
