// The grid's Z-Nets on host nodes through HostGridNetworks, the piece the host backend drives: documents
// as the simulator writes them (stand-in keys, 198.18.x.y endpoints) become working WireGuard between
// node namespaces; the hidden member has one tunnel, to the access node, and is cut off with it; a
// re-apply after the access node went down moves access to another public member,
// pushes the new mesh to the members that are up and reconnects the hidden one; a member that was down
// comes back stale and the next re-apply refreshes it.

import test from 'ava';
import { planZNet, networkWorkloads } from '../../sim/network/znet/index.js';
import { HostGridNetworks, killNamespacePids, listNamespaces, privateKeyOf, publicKeyOf, run, sweepOrphanRuns } from '../../workers/host/znet/index.js';
import { createLab, echoServer, leftovers, reachesWithin, tcpRoundTrip, znetSkipReason } from '../helpers/znet.js';

const skip = znetSkipReason();
if (skip !== undefined) {
  test('Z-Net grid networks on this host', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('simulator documents on host nodes: hidden member via access, re-apply after the access node dies, stale member refreshed', async (t) => {
    const lab = await createLab(3, 'd');
    const up = new Set([0, 1, 2]);
    const isPublic = (n: number) => n < 2;
    const grid = new HostGridNetworks({ znet: lab.znet, nodeNamespace: (n) => lab.nodes[n], isUp: (n) => up.has(n), isPublic });
    try {
      const net = planZNet({ name: 'gnet', ip_range: '10.50.0.0/16', nodes: [0, 1, 2].map((node) => ({ node, wireguard_listen_port: 7300 + node })) }, { isPublic });
      const docs = networkWorkloads(net);
      t.regex(docs.get(2)!.peers[0]!.endpoint, /^198\.18\.0\.1:7300$/, "the simulator's stand-in endpoint of node 0");
      for (const n of [0, 1, 2]) await grid.provision(n, 9, 'gnet', `9-${n + 1}-gnet`, docs.get(n)!);
      t.deepEqual(grid.views(), [{ network: '9/gnet', accessNode: 0, members: [0, 1, 2], staleMembers: [] }]);
      const server = await grid.attachMachine(1, 9, 'gnet', '9-2-vm', '10.50.3.5', false);
      const client = await grid.attachMachine(2, 9, 'gnet', '9-3-vm', '', false);
      t.is(client.ip, '10.50.4.2', 'the next free address from .2');
      const serverNs = lab.znet.machine('9-2-vm')!;
      const clientNs = lab.znet.machine('9-3-vm')!;
      const echo = await echoServer(serverNs, '10.50.3.5', 7400);
      try {
        t.true(await reachesWithin(clientNs, '10.50.3.5', 7400), 'hidden member reaches through the access node');
        // Only through it: the public member has no tunnel to the hidden one, the hidden one only to the access node.
        const key = (node: number) => publicKeyOf(privateKeyOf(`wg-key:gnet:${node}`));
        const peers = async (nr: string) => (await run(['wg', 'show', lab.znet.resource(nr)!.names.wg, 'peers'])).trim().split('\n').sort();
        t.deepEqual(await peers('1/9/gnet'), [key(0)]);
        t.deepEqual(await peers('2/9/gnet'), [key(0)]);

        await killNamespacePids(lab.nodes[0]!.name);
        up.delete(0);
        t.false(await tcpRoundTrip(clientNs, '10.50.3.5', 7400, 2500), 'cut off with its access node');
        const healed = await grid.reapply('gnet');
        t.deepEqual(await peers('2/9/gnet'), [key(1)], "the stale access node left the hidden member's peers");
        t.like(healed, { network: '9/gnet', accessNode: 1, previousAccessNode: 0, updated: [1, 2], skipped: [0], membersCutOff: 0 });
        t.true(await reachesWithin(clientNs, '10.50.3.5', 7400), 'reaches again through the new access node');

        // Node 0 boots and runs what it ran: an old mesh, which the reconciler sees as stale.
        up.add(0);
        await grid.restore(0, 9, 'gnet', docs.get(0)!);
        t.deepEqual(grid.views()[0]!.staleMembers, [0]);
        const refreshed = await grid.reapply('9/gnet');
        t.like(refreshed, { accessNode: 1, updated: [0, 1, 2], skipped: [] });
        t.deepEqual(grid.views()[0]!.staleMembers, []);
        t.true(await reachesWithin(clientNs, '10.50.3.5', 7400), 'still reachable after the refresh');
      } finally {
        await echo.stop();
      }
      await t.throwsAsync(grid.reapply('nonet'), { message: /no Z-Net named 'nonet'/ });
    } finally {
      await grid.close();
      await lab.close();
    }
    t.deepEqual(await leftovers(lab.prefix), []);
  });

  test("a crashed backend's Z-Net namespaces are swept once its node namespaces are gone", async (t) => {
    // A run id no netns run has (theirs are random [a-z0-9]{4}; 'q9q9' with no ztb-q9q9-* namespace).
    const orphan = 'znq9q9-n0';
    await run(['ip', 'netns', 'add', orphan]);
    try {
      t.true((await sweepOrphanRuns()).includes(orphan));
      t.false((await listNamespaces()).includes(orphan));
    } finally {
      await run(['ip', 'netns', 'del', orphan]).catch(() => undefined);
    }
  });
}
