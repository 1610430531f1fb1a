// The static mesh under an access node failure: every pair involving a hidden member is cut off until
// the network is re-applied with another access node; then every pair with both ends up is reachable.
// Also a tiny underlay whose latencies are computed by hand.
import test from 'ava';
import fc from 'fast-check';

import { buildTopology } from '../../sim/network/topology/graph.js';
import { needsReapply, planZNet, reapply } from '../../sim/network/znet/plan.js';
import { reachable, znetPath } from '../../sim/network/znet/reach.js';
import { UnderlayLatency } from '../../sim/network/znet/underlay.js';
import { staleMembers } from '../../sim/network/znet/znet.js';
import { connectedGraph, topologyOf } from '../helpers/network-graphs.js';
import { fcParams } from '../helpers/fc-params.js';

/** fast-check sees a failure (and shrinks it) only when the property throws; an ava assertion does not. */
function must(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}
function same(actual: unknown, expected: unknown, message: string): void {
  must(JSON.stringify(actual) === JSON.stringify(expected), `${message}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

/** Members on a random connected underlay, at least one public, at least one hidden. */
const failoverCase = connectedGraph(20).chain((spec) =>
  fc.record({
    spec: fc.constant(spec),
    members: fc.uniqueArray(fc.nat(spec.n - 1), { minLength: 2, maxLength: Math.min(spec.n, 10) }),
    flags: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    extraDown: fc.array(fc.nat(9), { maxLength: 2 }),
  }),
);

test('property: access node down cuts every pair with a hidden end; reapply restores every pair with both ends up', (t) => {
  fc.assert(
    fc.property(failoverCase, ({ spec, members, flags, extraDown }) => {
      const isPublicFlags = members.map((_, i) => flags[i]!);
      isPublicFlags[0] = true; // an access node candidate
      isPublicFlags[1] = false; // a hidden member
      const publicNodes = new Set(members.filter((_, i) => isPublicFlags[i]));
      // Grid node g sits on underlay node g: the identity map.
      const underlay = new UnderlayLatency(topologyOf(spec), Int32Array.from({ length: spec.n }, (_, i) => i));
      const latencyS = (a: number, b: number) => underlay.latencyS(a, b);
      const net = planZNet({ name: 'w', ip_range: '10.9.0.0/16', nodes: members.map((node) => ({ node, wireguard_listen_port: 4000 })) }, { isPublic: (n) => publicNodes.has(n) }, { latencyS });
      const access = net.accessNode;
      const down = new Set([access, ...extraDown.map((i) => members[i % members.length]!)]);
      const env = { isUp: (n: number) => !down.has(n), latencyS };
      for (const a of net.members) {
        for (const b of net.members) {
          const ok = reachable(net, a.node, b.node, env);
          if (!a.public || !b.public || down.has(a.node) || down.has(b.node)) {
            if (a.node !== b.node || down.has(a.node)) must(!ok, `${a.node}→${b.node} reachable with access ${access} down`);
          } else must(ok, `public ${a.node}→${b.node} lost with access down`);
        }
      }
      const healed = reapply(net, env);
      const othersPublicUp = net.members.some((m) => m.public && !down.has(m.node));
      if (!othersPublicUp) {
        must(healed.problem !== undefined, 'no public member up, yet no problem reported');
        return;
      }
      must(healed.net.accessNode !== access, 'the access node did not change');
      must(healed.accessChanged, 'accessChanged is false');
      same([...healed.skipped].sort(), [...down].filter((n) => members.includes(n)).sort(), 'skipped members');
      same(staleMembers(healed.net).sort(), [...healed.skipped].sort(), 'stale members');
      for (const a of healed.net.members) {
        for (const b of healed.net.members) {
          if (down.has(a.node) || down.has(b.node)) continue;
          const path = znetPath(healed.net, a.node, b.node, env);
          must(path.reachable, `${a.node}→${b.node} after reapply: ${path.reachable ? '' : path.reason}`);
        }
      }
    }),
    fcParams('znet-failover #1', 40),
  );
  t.pass();
});

/**
 * Underlay 0 -1ms- 1 -2ms- 2 -4ms- 3. Grid nodes 10 and 11 are public on underlay 0 and 3; grid node 12
 * is hidden on underlay 2. Node 10 is 3 ms from the hidden node, node 11 is 4 ms: 10 becomes the access node.
 */
function tinyNetwork() {
  const topology = buildTopology({ source: 'tiny', labels: ['0', '1', '2', '3'], from: [0, 1, 2], to: [1, 2, 3], latencyS: [0.001, 0.002, 0.004] });
  const underlay = new UnderlayLatency(topology, new Map([[10, 0], [11, 3], [12, 2]]));
  const latencyS = (a: number, b: number) => underlay.latencyS(a, b);
  const info = { isPublic: (n: number) => n !== 12 };
  const nodes = [10, 11, 12].map((node) => ({ node, wireguard_listen_port: 5000 }));
  return { net: planZNet({ name: 'tiny', ip_range: '10.20.0.0/16', nodes }, info, { latencyS }), latencyS };
}

test('tiny underlay: hand-computed tunnel hops and latencies, before and after failing over', (t) => {
  const { net, latencyS } = tinyNetwork();
  const up = { isUp: () => true, latencyS };
  t.is(net.accessNode, 10);
  const direct = znetPath(net, 10, 11, up);
  t.true(direct.reachable && direct.hops.length === 1);
  t.is(direct.reachable ? direct.latencyS : NaN, 0.007);
  const viaAccess = znetPath(net, 12, 11, up);
  if (!viaAccess.reachable) return t.fail(viaAccess.reason);
  t.deepEqual(viaAccess.hops.map((h) => [h.from, h.to]), [[12, 10], [10, 11]]);
  t.is(viaAccess.latencyS, 0.003 + 0.007);

  const accessDown = { isUp: (n: number) => n !== 10, latencyS };
  t.false(reachable(net, 12, 11, accessDown));
  t.true(reachable(net, 11, 11, accessDown));
  t.regex(needsReapply(net, accessDown.isUp) ?? '', /access node 10 .* is down/);
  const healed = reapply(net, accessDown);
  t.is(healed.net.accessNode, 11);
  t.is(needsReapply(healed.net, accessDown.isUp), undefined);
  const after = znetPath(healed.net, 12, 11, accessDown);
  t.true(after.reachable && after.hops.length === 1 && Math.abs(after.latencyS - 0.004) < 1e-12);
  // Node 10 missed the update: when it returns it runs the old mesh until the next reapply reaches it.
  t.deepEqual(staleMembers(healed.net), [10]);
  const back = { isUp: () => true, latencyS };
  t.false(reachable(healed.net, 10, 12, back));
  t.true(reachable(healed.net, 10, 11, back));
  t.regex(needsReapply(healed.net, back.isUp) ?? '', /nodes 10 run an old mesh/);
  const again = reapply(healed.net, back);
  t.is(needsReapply(again.net, back.isUp), undefined);
  t.false(again.accessChanged);
  t.deepEqual(staleMembers(again.net), []);
  const now = znetPath(again.net, 10, 12, back);
  t.true(now.reachable && now.hops.length === 2 && Math.abs(now.latencyS - (0.007 + 0.004)) < 1e-12);
});
