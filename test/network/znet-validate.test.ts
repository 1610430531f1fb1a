// Z-Net validation names the field at fault, for requests and for raw per-node `network` workloads;
// and a planned network survives the round trip through its own workloads.
import test from 'ava';

import { InputError } from '../../sim/errors.js';
import { formatCidr } from '../../sim/network/znet/ipv4.js';
import { planZNet } from '../../sim/network/znet/plan.js';
import { reachable } from '../../sim/network/znet/reach.js';
import type { ZNetInput } from '../../sim/network/znet/validate.js';
import { compileNetworkWorkloads, networkWorkloads } from '../../sim/network/znet/workloads.js';
import type { NetworkData } from '../../sim/grid/deployment.js';

const info = { isPublic: (n: number) => n !== 3, usedWireguardPorts: (n: number) => new Set(n === 2 ? [6000] : []) };
const good: ZNetInput = {
  name: 'office',
  ip_range: '10.1.0.0/16',
  nodes: [
    { node: 1, wireguard_listen_port: 5000 },
    { node: 2, wireguard_listen_port: 5001, subnet: '10.1.9.0/24' },
    { node: 3, wireguard_listen_port: 5002 },
  ],
};

const badRequests: [string, ZNetInput, string][] = [
  ['bad name', { ...good, name: 'my-net' }, 'name'],
  ['reserved name', { ...good, name: 'ygg' }, 'name'],
  ['range not a CIDR', { ...good, ip_range: '10.1.0.0' }, 'ip_range'],
  ['range with host bits', { ...good, ip_range: '10.1.3.0/16' }, 'ip_range'],
  ['range not a /16', { ...good, ip_range: '10.1.0.0/24' }, 'ip_range'],
  ['no nodes', { ...good, nodes: [] }, 'nodes'],
  ['subnet outside the range', { ...good, nodes: [{ node: 1, wireguard_listen_port: 5000, subnet: '10.2.1.0/24' }] }, 'nodes[0].subnet'],
  ['subnet not a /24', { ...good, nodes: [{ node: 1, wireguard_listen_port: 5000, subnet: '10.1.0.0/23' }] }, 'nodes[0].subnet'],
  ['duplicate subnets', { ...good, nodes: [good.nodes[1]!, { node: 4, wireguard_listen_port: 5000, subnet: '10.1.9.0/24' }] }, 'nodes[1].subnet'],
  ['node twice', { ...good, nodes: [good.nodes[0]!, { node: 1, wireguard_listen_port: 5003 }] }, 'nodes[1].node'],
  ['port out of range', { ...good, nodes: [{ node: 1, wireguard_listen_port: 70000 }] }, 'nodes[0].wireguard_listen_port'],
  ['port taken on the node', { ...good, nodes: [{ node: 2, wireguard_listen_port: 6000 }] }, 'nodes[0].wireguard_listen_port'],
  ['hidden access node', { ...good, access_node: 3 }, 'access_node'],
  ['access node not a member', { ...good, access_node: 8 }, 'access_node'],
];

for (const [title, input, field] of badRequests) {
  test(`request: ${title} is refused naming ${field}`, (t) => {
    const error = t.throws(() => planZNet(input, info), { instanceOf: InputError });
    t.is(error.field, field);
    t.regex(error.message, new RegExp(`field ${field.replace(/[[\].]/g, '\\$&')}: `));
  });
}

test('a planned network round-trips through its workloads: same access node, same reachability', (t) => {
  const net = planZNet(good, info);
  t.is(net.accessNode, 1);
  const workloads = networkWorkloads(net);
  t.deepEqual(workloads.get(3)!.peers.map((p) => p.endpoint), [net.members[0]!.endpoint]);
  t.deepEqual(workloads.get(3)!.peers[0]!.allowed_ips, ['10.1.2.0/24', '100.64.1.2/32', '10.1.9.0/24', '100.64.1.9/32']);
  t.is(formatCidr(net.members[2]!.subnet), '10.1.3.0/24', 'allocation skips nothing but taken subnets');
  const back = compileNetworkWorkloads('office', [...workloads].map(([node, data]) => ({ node, data })), info);
  t.is(back.accessNode, 1);
  const env = { isUp: (n: number) => n !== 1, latencyS: () => 0.001 };
  for (const a of [1, 2, 3]) for (const b of [1, 2, 3]) t.is(reachable(back, a, b, env), reachable(net, a, b, env), `${a}→${b}`);
});

test('raw workloads: each bad field is named', (t) => {
  const net = planZNet(good, info);
  const entries = [...networkWorkloads(net)].map(([node, data]) => ({ node, data }));
  const broken = (i: number, change: Partial<NetworkData>) => entries.map((e, k) => (k === i ? { ...e, data: { ...e.data, ...change } } : e));
  const peer = entries[0]!.data.peers[0]!;
  const cases: [typeof entries, string][] = [
    [broken(1, { ip_range: '10.2.0.0/16' }), 'workloads[1].ip_range'],
    [broken(1, { subnet: '10.1.2.0/24' }), 'workloads[1].subnet'],
    [broken(2, { wireguard_private_key: '' }), 'workloads[2].wireguard_private_key'],
    [broken(0, { wireguard_listen_port: 0 }), 'workloads[0].wireguard_listen_port'],
    [broken(0, { peers: [{ ...peer, allowed_ips: [] }] }), 'workloads[0].peers[0].allowed_ips'],
    [broken(0, { peers: [{ ...peer, wireguard_public_key: '' }] }), 'workloads[0].peers[0].wireguard_public_key'],
    [broken(0, { peers: [{ ...peer, subnet: 'nope' }] }), 'workloads[0].peers[0].subnet'],
    [broken(0, { peers: [{ ...peer, allowed_ips: ['10.1.2.0/24', 'x'] }] }), 'workloads[0].peers[0].allowed_ips[1]'],
  ];
  for (const [bad, field] of cases) {
    const error = t.throws(() => compileNetworkWorkloads('office', bad, info), { instanceOf: InputError }, field);
    t.is(error?.field, field);
  }
  // IPv6 allowed ranges are legal in zos: accepted, and set aside by the IPv4 routing.
  t.notThrows(() => compileNetworkWorkloads('office', broken(0, { peers: [{ ...peer, allowed_ips: [...peer.allowed_ips, 'fd00::/64'] }] }), info));
});
