// The host Z-Net's pure parts, runnable anywhere: a network document compiled as zos reads it (errors
// name the field), the `wg setconf` text, stand-in keys mapped to real X25519 keys, and names that fit
// Linux's 15-character limit.

import test from 'ava';
import type { NetworkData } from '../../sim/grid/deployment.js';
import { checkMachineIp, compileNetworkDocument, isWgKey, machineNames, nrNames, peerPublicKeyOf, privateKeyOf, publicKeyOf, wgConfigText } from '../../workers/host/znet/index.js';

// A real document's shape (/work/shared/examples: deployment-zmount-network-zmachine.json).
const doc: NetworkData = {
  subnet: '10.240.1.0/24',
  ip_range: '10.240.0.0/16',
  wireguard_private_key: 'SDtQFBHzYTu/c7dt/X1VDZeGmXmE7TD6nQC5tp4wv38=',
  wireguard_listen_port: 7821,
  peers: [{ subnet: '10.240.2.0/24', wireguard_public_key: 'cEzVprB7IdpLaWZqYOsCndGJ5MBgv1q1lTFG1B2Czkc=', allowed_ips: ['10.240.2.0/24', '100.64.240.2/32'], endpoint: '' }],
};

test('a document compiles to the NR addresses zos uses', (t) => {
  const plan = compileNetworkDocument(doc);
  t.is(plan.gatewayCidr, '10.240.1.1/24');
  t.is(plan.wgCidr, '100.64.240.1/16');
  t.is(plan.listenPort, 7821);
  t.is(plan.privateKey, doc.wireguard_private_key);
  const text = wgConfigText(plan);
  t.true(text.includes('ListenPort = 7821'));
  t.true(text.includes('AllowedIPs = 10.240.2.0/24, 100.64.240.2/32'));
  t.false(text.includes('Endpoint'), 'a peer that dials in has no endpoint');
  t.true(text.includes('PersistentKeepalive = 20'));
  t.true(wgConfigText(compileNetworkDocument({ ...doc, peers: [{ ...doc.peers[0]!, endpoint: '10.199.0.2:7001' }] })).includes('Endpoint = 10.199.0.2:7001'));
});

test('bad documents are refused naming the field', (t) => {
  const bad: [Partial<NetworkData>, RegExp][] = [
    [{ ip_range: '10.240.0.0/24' }, /ip_range.*\/16/],
    [{ subnet: '10.241.1.0/24' }, /subnet.*inside/],
    [{ wireguard_private_key: 'nope' }, /wireguard_private_key/],
    [{ wireguard_listen_port: 0 }, /wireguard_listen_port/],
    [{ peers: [{ ...doc.peers[0]!, allowed_ips: [] }] }, /peers\[0\]\.allowed_ips/],
    [{ peers: [{ ...doc.peers[0]!, wireguard_public_key: 'x' }] }, /peers\[0\]\.wireguard_public_key/],
    [{ peers: [{ ...doc.peers[0]!, endpoint: 'no-port' }] }, /peers\[0\]\.endpoint/],
  ];
  for (const [change, message] of bad) t.throws(() => compileNetworkDocument({ ...doc, ...change }), { message }, JSON.stringify(change));
});

test("the simulator's stand-in keys become real key pairs", (t) => {
  const priv = privateKeyOf('wg-key:net:3');
  t.true(isWgKey(priv));
  t.is(privateKeyOf('wg-key:net:3'), priv, 'stable');
  t.is(peerPublicKeyOf('wg-pub:net:3'), publicKeyOf(priv), 'the public stand-in names the same pair');
  t.not(peerPublicKeyOf('wg-pub:net:4'), publicKeyOf(priv));
  t.is(peerPublicKeyOf(doc.peers[0]!.wireguard_public_key), doc.peers[0]!.wireguard_public_key, 'real keys pass through');
  // RFC 7748 §6.1 test vector: Alice's private key and public key.
  const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex').toString('base64');
  t.is(Buffer.from(publicKeyOf(alice), 'base64').toString('hex'), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
});

test('names fit 15 characters; machine addresses are checked as zos does', (t) => {
  for (const n of Object.values(nrNames('zq2oo3k-ab', 9999))) t.true(n.length <= 15, n);
  t.true(machineNames('zq2oo3k-ab', 9999).hostLeg.length <= 15);
  t.throws(() => nrNames('Bad_prefix', 1), { message: /prefix/ });
  const plan = compileNetworkDocument(doc);
  t.is(checkMachineIp(plan, '10.240.1.5'), '10.240.1.5');
  t.throws(() => checkMachineIp(plan, '10.240.1.1'), { message: /reserved/ });
  t.throws(() => checkMachineIp(plan, '10.240.2.5'), { message: /not part of/ });
});
