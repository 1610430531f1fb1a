// Mycelium addressing (issue 15): BLAKE3 against its published vectors, a router's address in 400::/7,
// and a VM's IP as zos derives it (zosbase net_resource_test.go TestMyceliumIP's own example).
import test from 'ava';

import { blake3Small, myceliumAddress, myceliumSubnet, myceliumVmIp, nodeMyceliumKey, overlayNics, x25519PublicKey } from '../../../sim/network/znic/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('blake3 matches the official test vectors (empty input; one byte 0x00)', (t) => {
  t.is(hex(blake3Small(new Uint8Array(0))), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  t.is(hex(blake3Small(new Uint8Array([0]))), '2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213');
});

test('router addresses fall in 400::/7 and the /64 is stable per key', (t) => {
  for (let node = 0; node < 200; node++) {
    const key = nodeMyceliumKey(node);
    const address = myceliumAddress(x25519PublicKey(key));
    t.true(address[0] === 0x04 || address[0] === 0x05);
    t.deepEqual(myceliumSubnet(key), address.slice(0, 8));
  }
  t.notDeepEqual(myceliumSubnet(nodeMyceliumKey(1)), myceliumSubnet(nodeMyceliumKey(2)));
});

test("a VM's address is the network's /64 + ff0f + its seed; zos's errors for bad seeds", (t) => {
  const subnet = Uint8Array.from([0x03, 0xb4, 0xca, 0x67, 0x82, 0x2d, 0xb0, 0xc1]);
  t.is(myceliumVmIp(subnet, Uint8Array.from([0x00, 0x11, 0x22, 0x33, 0x44, 0x55])), '3b4:ca67:822d:b0c1:ff0f:11:2233:4455');
  t.throws(() => myceliumVmIp(subnet, new Uint8Array(6)), { message: /invalid seed/ });
  t.throws(() => myceliumVmIp(subnet, new Uint8Array(6).fill(0xff)), { message: /invalid seed/ });
  t.throws(() => myceliumVmIp(subnet, new Uint8Array(5)), { message: /expected 6 bytes/ });
  // Portable: the same network key and seed give the same IP on any node.
  const network = myceliumSubnet(new Uint8Array(32).fill(7));
  t.is(myceliumVmIp(network, Uint8Array.from([1, 2, 3, 4, 5, 6])), myceliumVmIp(myceliumSubnet(new Uint8Array(32).fill(7)), Uint8Array.from([1, 2, 3, 4, 5, 6])));
});

test('overlay NICs: planetary alone gives Yggdrasil; a mycelium field gives Mycelium', (t) => {
  t.deepEqual(overlayNics({ planetary: true }), { yggdrasil: true, mycelium: false });
  t.deepEqual(overlayNics({ planetary: false, mycelium: { network: 'n', hex_seed: 'aabbccddeeff' } }), { yggdrasil: false, mycelium: true });
  t.deepEqual(overlayNics({ planetary: true, mycelium: { network: 'n', hex_seed: 'aabbccddeeff' } }), { yggdrasil: true, mycelium: true });
});
