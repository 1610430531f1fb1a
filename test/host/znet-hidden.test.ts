// A hidden member (no endpoint: nobody can dial it) reaches the others only through the access node:
// cut off when the access node's processes die (its wireguard-go with them), and reachable again once
// the network is re-applied, as the reconciler heals it (sim/network/znet/plan.ts reapply), with another
// public member as access node. The documents are the ones the simulator computes for the same net.

import test from 'ava';
import { reapply, networkWorkloads } from '../../sim/network/znet/index.js';
import { publicKeyOf, privateKeyOf, run } from '../../workers/host/znet/index.js';
import { createLab, echoServer, leftovers, planDocuments, reachesWithin, tcpRoundTrip, znetSkipReason } from '../helpers/znet.js';

const skip = znetSkipReason();

async function peersOf(wg: string): Promise<string[]> {
  return (await run(['wg', 'show', wg, 'peers'])).trim().split('\n').filter((l) => l !== '').sort();
}

if (skip !== undefined) {
  test('Z-Net hidden member on this host', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('a hidden member goes through the access node, is cut off with it, and reaches again after re-apply', async (t) => {
    const lab = await createLab(3, 'b');
    try {
      const members = [{ node: 0, public: true }, { node: 1, public: true }, { node: 2, public: false }];
      const { net, docs } = planDocuments(lab, { name: 'hid', ip_range: '10.30.0.0/16', nodes: members });
      t.is(net.accessNode, 0);
      t.is(docs.get(2)!.peers.length, 1, "the hidden member's only peer is the access node");
      for (const n of [0, 1, 2]) await lab.znet.applyNetwork(lab.nodes[n]!, `n${n}`, docs.get(n)!);
      const publicM = await lab.znet.attachMachine('n1', 'vm1', '10.30.3.5');
      const hiddenM = await lab.znet.attachMachine('n2', 'vm2', '10.30.4.5');
      const server = await echoServer(publicM, '10.30.3.5', 9000);
      try {
        t.true(await reachesWithin(hiddenM, '10.30.3.5', 9000), 'hidden → public member through the access node');
        const key = (node: number) => publicKeyOf(privateKeyOf(`wg-key:hid:${node}`));
        t.deepEqual(await peersOf(lab.znet.resource('n1')!.names.wg), [key(0)], 'the public member has no tunnel to the hidden one');

        // Power-off of the access node as the host backend does it: every process in its namespace dies.
        for (const pid of (await run(['ip', 'netns', 'pids', lab.nodes[0]!.name])).split('\n').filter((p) => p !== '')) process.kill(Number(pid), 'SIGKILL');
        t.false(await tcpRoundTrip(hiddenM, '10.30.3.5', 9000, 2500), 'cut off while its access node is down');

        // Re-apply on the members that are up: node 1 becomes the access node, peers are rewritten.
        const healed = reapply(net, { isUp: (n) => n !== 0 });
        t.is(healed.net.accessNode, 1);
        t.deepEqual(healed.updated, [1, 2]);
        const next = networkWorkloads(healed.net);
        for (const n of healed.updated) await lab.znet.applyNetwork(lab.nodes[n]!, `n${n}`, next.get(n)!);
        t.deepEqual(await peersOf(lab.znet.resource('n2')!.names.wg), [key(1)], "the stale access node left the hidden member's peers");
        t.true(await reachesWithin(hiddenM, '10.30.3.5', 9000), 'hidden → public member again through the new access node');
      } finally {
        await server.stop();
      }
    } finally {
      await lab.close();
    }
    t.deepEqual(await leftovers(lab.prefix), [], 'no namespace, wireguard-go or socket of ours remains');
  });
}
