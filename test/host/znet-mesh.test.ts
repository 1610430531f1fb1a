// Z-Net for real: two public members configured from their `network` documents reach each other over
// TCP through wireguard-go, machine to machine at the addresses the deployment asked for; a re-apply
// rewrites the peers; teardown leaves no namespace, wireguard-go process or UAPI socket of ours.

import test from 'ava';
import { run } from '../../workers/host/znet/index.js';
import { createLab, echoServer, leftovers, planDocuments, reachesWithin, tcpRoundTrip, znetSkipReason } from '../helpers/znet.js';

const skip = znetSkipReason();
if (skip !== undefined) {
  test('Z-Net mesh on this host', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('two members reach each other over WireGuard; re-apply rewrites peers; teardown leaves nothing', async (t) => {
    const lab = await createLab(2, 'a');
    try {
      const { docs } = planDocuments(lab, { name: 'mesh', ip_range: '10.20.0.0/16', nodes: [{ node: 0, public: true }, { node: 1, public: true }] });
      for (const n of [0, 1]) await lab.znet.applyNetwork(lab.nodes[n]!, `n${n}`, docs.get(n)!);
      // The grid client hands subnets out from x.y.2.0 in node order: node 0 10.20.2.0/24, node 1 10.20.3.0/24.
      const m0 = await lab.znet.attachMachine('n0', 'vm0', '10.20.2.5');
      const m1 = await lab.znet.attachMachine('n1', 'vm1', '10.20.3.5');
      t.is(m1.address, '10.20.3.5');
      const server = await echoServer(m1, '10.20.3.5', 8080);
      try {
        t.true(await reachesWithin(m0, '10.20.3.5', 8080), 'machine on node 0 reaches machine on node 1 through the tunnel');
        // The tunnel, not the LAN, carried it: the LAN has no route to 10.20.0.0/16.
        t.false(await tcpRoundTrip(lab.nodes[0]!, '10.20.3.5', 8080, 1500), 'the underlay alone cannot reach the Z-Net address');
        const wg1 = lab.znet.resource('n1')!.names.wg;
        const transfer = await run(['wg', 'show', wg1, 'transfer']);
        t.regex(transfer, /\t[1-9]\d*\t[1-9]\d*/, 'bytes went both ways over the WireGuard peer');
        // Re-apply node 1 with a stale extra peer, then with the document's peers: setconf replaces them.
        const doc1 = docs.get(1)!;
        const stale = { ...doc1.peers[0]!, wireguard_public_key: 'wg-pub:other:9', subnet: '10.20.9.0/24', allowed_ips: ['10.20.9.0/24'] };
        await lab.znet.applyNetwork(lab.nodes[1]!, 'n1', { ...doc1, peers: [...doc1.peers, stale] });
        t.is((await run(['wg', 'show', wg1, 'peers'])).trim().split('\n').length, 2);
        await lab.znet.applyNetwork(lab.nodes[1]!, 'n1', doc1);
        t.is((await run(['wg', 'show', wg1, 'peers'])).trim().split('\n').length, 1, 'the stale peer is gone after re-apply');
        t.true(await reachesWithin(m0, '10.20.3.5', 8080), 'still reachable after re-apply');
        // The owner process (a gateway's side) dials the machine from inside node 0's network resource.
        const socket = await lab.znet.dial('n0', '10.20.3.5', 8080);
        const echoed = await new Promise<string>((resolve, reject) => {
          socket.once('error', reject);
          socket.once('data', (d) => resolve(String(d)));
          socket.write('through the relay');
        });
        socket.destroy();
        t.is(echoed, 'through the relay', 'owner → NR relay → WireGuard → machine and back');
      } finally {
        await server.stop();
      }
    } finally {
      await lab.close();
    }
    t.deepEqual(await leftovers(lab.prefix), [], 'no namespace, wireguard-go or socket of ours remains');
  });
}
