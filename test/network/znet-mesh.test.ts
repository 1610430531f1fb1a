// Z-Net plans on random networks: subnets never collide and lie in the range, the mesh is the grid
// client's (hidden members peer only with the access node), and with every node up every pair is reachable.
import test from 'ava';
import fc from 'fast-check';

import { InputError } from '../../sim/errors.js';
import { cidrContains, formatCidr } from '../../sim/network/znet/ipv4.js';
import { planZNet } from '../../sim/network/znet/plan.js';
import { reachable, znetPath } from '../../sim/network/znet/reach.js';
import type { ZNetInput } from '../../sim/network/znet/validate.js';
import { fcParams } from '../helpers/fc-params.js';

interface NetCase {
  readonly input: ZNetInput;
  readonly publicNodes: ReadonlySet<number>;
}

/** 1..12 members with random public flags, some with explicit distinct subnets, the rest allocated. */
const netCase: fc.Arbitrary<NetCase> = fc
  .uniqueArray(fc.nat(60), { minLength: 1, maxLength: 12 })
  .chain((nodes) =>
    fc.record({
      nodes: fc.constant(nodes),
      isPublic: fc.array(fc.boolean(), { minLength: nodes.length, maxLength: nodes.length }),
      octets: fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: nodes.length, maxLength: nodes.length }),
      explicit: fc.array(fc.boolean(), { minLength: nodes.length, maxLength: nodes.length }),
    }),
  )
  .map(({ nodes, isPublic, octets, explicit }) => {
    // A hidden member needs a public one to be its access node; make the first member public then.
    if (nodes.length > 1 && !isPublic.some((p) => p)) isPublic[0] = true;
    return {
      input: {
        name: 'net_a',
        ip_range: '10.7.0.0/16',
        nodes: nodes.map((node, i) => ({ node, wireguard_listen_port: 3000 + i, ...(explicit[i] ? { subnet: `10.7.${octets[i]}.0/24` } : {}) })),
      },
      publicNodes: new Set(nodes.filter((_, i) => isPublic[i])),
    };
  });

const infoOf = (c: NetCase) => ({ isPublic: (node: number) => c.publicNodes.has(node) });
/** fast-check sees a failure (and shrinks it) only when the property throws; an ava assertion does not. */
function must(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}
function same(actual: unknown, expected: unknown, message: string): void {
  must(JSON.stringify(actual) === JSON.stringify(expected), `${message}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

const everyoneUp = { isUp: () => true, latencyS: () => 0.001 };

test('property: subnets are distinct /24s inside the range, and explicit ones are kept', (t) => {
  fc.assert(
    fc.property(netCase, (c) => {
      const net = planZNet(c.input, infoOf(c));
      const seen = new Set<string>();
      for (const m of net.members) {
        must(cidrContains(net.ipRange, m.subnet) && m.subnet.prefix === 24, `${formatCidr(m.subnet)} outside the range`);
        must(!seen.has(formatCidr(m.subnet)), `duplicate ${formatCidr(m.subnet)}`);
        seen.add(formatCidr(m.subnet));
        const asked = c.input.nodes.find((n) => n.node === m.node)!.subnet;
        if (asked !== undefined) same(formatCidr(m.subnet), asked, `node ${m.node}'s subnet`);
      }
    }),
    fcParams('znet-mesh #1', 50),
  );
  t.pass();
});

test('property: a hidden member peers only with the public access node; public members peer with every public member', (t) => {
  fc.assert(
    fc.property(netCase, (c) => {
      const net = planZNet(c.input, infoOf(c));
      const hidden = net.members.filter((m) => !m.public);
      if (net.members.length > 1 && hidden.length > 0) must(c.publicNodes.has(net.accessNode), `access node ${net.accessNode} is not public`);
      for (const m of net.members) {
        const peers = net.applied.get(m.node)!.peers.map((p) => p.node).sort((a, b) => a - b);
        if (net.members.length === 1) same(peers, [], 'a lone member');
        else if (!m.public) same(peers, [net.accessNode], `hidden ${m.node}'s peers`);
        else {
          const expected = net.members.filter((o) => o.node !== m.node && (o.public || m.node === net.accessNode)).map((o) => o.node);
          same(peers, expected, `public ${m.node}'s peers`);
        }
      }
    }),
    fcParams('znet-mesh #2', 50),
  );
  t.pass();
});

test('property: with every node up, every pair of members is reachable, in one tunnel, or two through the access node', (t) => {
  fc.assert(
    fc.property(netCase, (c) => {
      const net = planZNet(c.input, infoOf(c));
      for (const a of net.members) {
        for (const b of net.members) {
          const path = znetPath(net, a.node, b.node, everyoneUp);
          if (!path.reachable) throw new Error(`${a.node}→${b.node}: ${path.reason}`);
          const direct = a.node === b.node ? 0 : (a.public && b.public) || a.node === net.accessNode || b.node === net.accessNode ? 1 : 2;
          same(path.hops.length, direct, `${a.node}→${b.node} tunnels`);
          must(reachable(net, a.node, b.node, everyoneUp), `${a.node}→${b.node} reachable`);
        }
      }
    }),
    fcParams('znet-mesh #3', 30),
  );
  t.pass();
});

test('a hidden member with no public member to reach it is refused, naming the nodes field', (t) => {
  const error = t.throws(
    () => planZNet({ name: 'n', ip_range: '10.1.0.0/16', nodes: [{ node: 1, wireguard_listen_port: 3000 }, { node: 2, wireguard_listen_port: 3001 }] }, { isPublic: () => false }),
    { instanceOf: InputError },
  );
  t.is(error.field, 'nodes');
  // One member alone needs no access node, hidden or not.
  const alone = planZNet({ name: 'n', ip_range: '10.1.0.0/16', nodes: [{ node: 1, wireguard_listen_port: 3000 }] }, { isPublic: () => false });
  t.is(alone.accessNode, -1);
  t.is(formatCidr(alone.members[0]!.subnet), '10.1.2.0/24');
});
