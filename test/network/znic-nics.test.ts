// A zmachine's interfaces: ygg addressing on hand-made keys, planetary IPs tied to the node, private IPs
// in the node's /24, and public IPv4s from a real farm pool, with errors naming the zmachine field.
import test from 'ava';

import { ErrorCode, InputError, ZosError } from '../../sim/errors.js';
import { Farms } from '../../sim/grid/farms.js';
import { NicAllocator, type NicEnv } from '../../sim/network/znic/nics.js';
import { deviceName, formatIpv6, overlayPublicKey, yggNodeAddress, yggNodeSubnet } from '../../sim/network/znic/planetary-address.js';
import { planZNet } from '../../sim/network/znet/plan.js';

function keyOf(head: number[]): Uint8Array {
  const key = new Uint8Array(32).fill(0xff);
  key.set(head);
  return key;
}

test('ygg address: the count of leading ones of the inverted key, then the bits after the first zero', (t) => {
  // Inverted 0xf0 00 …: four ones, the zero skipped, then zeros only.
  t.is(formatIpv6(yggNodeAddress(keyOf([0x0f]))), '204::');
  // Inverted ff ff 0f 00 …: 16 ones, skip a zero, then 0001111 and a 0 from the next byte = 0x1e.
  t.is(formatIpv6(yggNodeAddress(keyOf([0x00, 0x00, 0xf0]))), '210:1e00::');
  const subnet = yggNodeSubnet(keyOf([0x00, 0x00, 0xf0]));
  t.deepEqual([...subnet], [0x03, 16, 0x1e, 0, 0, 0, 0, 0]);
  t.is(formatIpv6(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])), '2001:db8:0:1::1');
  t.is(deviceName('81-36155-vm', 'ygg').length, 13);
  t.not(deviceName('81-36155-vm', 'ygg'), deviceName('81-36156-vm', 'ygg'));
});

function setup(publicIpv4Count = 1) {
  const farms = new Farms([{ name: 'f', publicIpv4Count, nodeCount: 4 }]);
  const net = planZNet({ name: 'lan', ip_range: '10.3.0.0/16', nodes: [0, 1, 2].map((node) => ({ node, wireguard_listen_port: 4000 })) }, { isPublic: (n) => n !== 2 });
  const keys = [11, 22, 33, 44];
  const env: NicEnv = {
    network: (name) => (name === 'lan' ? net : undefined),
    hasPublicConfig: (n) => n !== 2,
    overlayKey: (n) => keys[n]!,
    ipv4Pool: { reserveIpv4: () => farms.reserveIpv4(0), releaseIpv4: (_n, ip) => farms.releaseIpv4(0, ip) },
    farmOf: () => 0,
  };
  return { farms, allocator: new NicAllocator(env) };
}

test('planetary IPs share the node /64 (derived from its overlay key) and differ per machine and per node', (t) => {
  const { allocator } = setup();
  const a = allocator.attach({ workloadId: '1-1-a', node: 0, network: 'lan', planetary: true });
  const b = allocator.attach({ workloadId: '1-1-b', node: 0, network: 'lan', planetary: true });
  const c = allocator.attach({ workloadId: '1-1-a', node: 1, network: 'lan', planetary: true });
  const prefix = formatIpv6(Uint8Array.from([...yggNodeSubnet(overlayPublicKey(11)), 0, 0, 0, 0, 0, 0, 0, 0])).replace(/::$/, '');
  t.true(a.planetary!.ip.startsWith(prefix), `${a.planetary!.ip} under ${prefix}`);
  t.true(b.planetary!.ip.startsWith(prefix));
  t.regex(a.planetary!.ip, /^3[0-9a-f]{2}:/);
  t.not(a.planetary!.ip, b.planetary!.ip);
  t.false(c.planetary!.ip.startsWith(prefix), 'the same machine on another node gets another address');
});

test('private IPs: lowest free host from .2 in the node /24; .1, outside and taken addresses are refused', (t) => {
  const { allocator } = setup();
  const first = allocator.attach({ workloadId: '1-1-a', node: 1, network: 'lan' });
  t.is(first.private.ipv4, '10.3.3.2');
  t.regex(first.private.ipv6, /^fd[0-9a-f]{2}:.*:a03:302$/);
  t.is(allocator.attach({ workloadId: '1-1-b', node: 1, network: 'lan', ip: '10.3.3.9' }).private.ipv4, '10.3.3.9');
  t.is(allocator.attach({ workloadId: '1-1-c', node: 1, network: 'lan' }).private.ipv4, '10.3.3.3');
  for (const ip of ['10.3.3.1', '10.3.4.5', '10.3.3.9', 'ten']) {
    const error = t.throws(() => allocator.attach({ workloadId: '1-1-d', node: 1, network: 'lan', ip }), { instanceOf: InputError });
    t.is(error.field, 'network.interfaces[0].ip', ip);
  }
  allocator.detach(first);
  t.is(allocator.attach({ workloadId: '1-1-e', node: 1, network: 'lan' }).private.ipv4, '10.3.3.2');
  t.is(t.throws(() => allocator.attach({ workloadId: '1-1-f', node: 3, network: 'lan' }), { instanceOf: InputError }).field, 'network.interfaces[0].network');
  t.is(t.throws(() => allocator.attach({ workloadId: '1-1-f', node: 0, network: 'wan' }), { instanceOf: InputError }).field, 'network.interfaces[0].network');
});

test('public IPs come from the farm pool: exhaustion is a capacity error, detach gives the address back', (t) => {
  const { allocator, farms } = setup(1);
  const a = allocator.attach({ workloadId: '1-1-a', node: 0, network: 'lan', publicIp: { v4: true, v6: true } });
  t.is(a.public?.ipv4, '185.0.0.1');
  t.regex(a.public?.ipv6 ?? '', /^2001:db8::/);
  t.is(farms.ipv4Free(0), 0);
  const error = t.throws(() => allocator.attach({ workloadId: '1-1-b', node: 1, network: 'lan', publicIp: { v4: true, v6: false } }), { instanceOf: ZosError });
  t.is(error.code, ErrorCode.capacity);
  allocator.detach(a);
  t.is(farms.ipv4Free(0), 1);
  // An address the ip workload already holds is used as is; the allocator does not release it.
  const held = allocator.attach({ workloadId: '1-1-c', node: 1, network: 'lan', publicIp: { v4: true, v6: false, ipv4: '185.0.0.7' } });
  t.is(held.public?.ipv4, '185.0.0.7');
  allocator.detach(held);
  t.is(farms.ipv4Free(0), 1);
  const hidden = t.throws(() => allocator.attach({ workloadId: '1-1-d', node: 2, network: 'lan', publicIp: { v4: true, v6: false } }), { instanceOf: InputError });
  t.is(hidden.field, 'network.public_ip');
  t.regex(hidden.message, /no public config/);
});
