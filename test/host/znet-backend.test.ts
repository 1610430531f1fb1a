// Z-Net for real through the HostBackend with nodes as namespaces (network 'netns'): `network`
// workloads are WireGuard in each node's network resource, zmachines get their NIC in the Z-Net at the
// address the deployment asked for, and the Backend's faults and znet.reapply act on them: two machines
// talk TCP across farms; the hidden member is cut off when its access node is powered off and reaches
// again after znetReapply; a cut farm link stops the tunnel's traffic and healing restores it; a node
// that boots again runs its old mesh (stale) until the next re-apply; close leaves nothing behind.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { networkWorkloads, planZNet } from '../../sim/network/znet/index.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { deploymentOf, machineNamespaceOf, publishRoot, reachesWithin, runLeftovers, tcpRoundTrip, zmachineIn, znetSkipReason } from '../helpers/znet.js';

const twin = 9;

const skip = znetSkipReason();
if (skip !== undefined) {
  test('Z-Net through the host backend', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('host backend: zmachines in a Z-Net talk TCP; access node power-off, re-apply, farm link cut and heal, stale member', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'znet-backend-'));
    // Farm 0: nodes 0, 1 public, 2 hidden (two public per farm, as the simulator); farm 1: node 3 public.
    const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: 4, farms: [3, 1], network: 'netns' });
    const run = backend.netns!.grid.names.run;
    try {
      const flist = await publishRoot(backend, dir, 'znet-machine', ['/bin/sh', '/bin/sleep', '/usr/bin/socat', '/bin/cat']);

      const isPublic = (n: number) => n !== 2;
      const net = planZNet({ name: 'znb', ip_range: '10.60.0.0/16', nodes: [0, 2, 3].map((node) => ({ node, wireguard_listen_port: 7500 + node })) }, { isPublic });
      const docs = networkWorkloads(net);
      const nw = (node: number) => ({ name: 'znb', type: 'network', data: docs.get(node)! });
      // Subnets in node order from x.y.2.0: node 0 10.60.2.0/24, node 2 10.60.3.0/24, node 3 10.60.4.0/24.
      const contracts = [
        await backend.createDeployment(0, deploymentOf(twin, [nw(0)])),
        await backend.createDeployment(2, deploymentOf(twin, [nw(2), zmachineIn('znb', 'client', flist, '10.60.3.5', '/bin/sleep 1000')])),
        await backend.createDeployment(3, deploymentOf(twin, [nw(3), zmachineIn('znb', 'server', flist, '10.60.4.5', '/usr/bin/socat TCP-LISTEN:7600,bind=10.60.4.5,reuseaddr,fork EXEC:/bin/cat')])),
      ];
      for (const { contractId } of contracts) {
        const workloads = await backend.settled(contractId, 120);
        t.true(workloads.every((w) => w.state === 'ok'), JSON.stringify(workloads));
      }
      const server = (await backend.deployment(contracts[2]!.contractId))!.workloads.find((w) => w.name === 'server')!;
      t.like(server.data, { ip: '10.60.4.5' });
      t.deepEqual(await backend.znets(), [{ network: `${twin}/znb`, accessNode: 0, members: [0, 2, 3], staleMembers: [] }]);

      const client = await machineNamespaceOf(run, '10.60.3.5');
      t.true(await reachesWithin(client, '10.60.4.5', 7600), 'the hidden client machine reaches the server machine (farm 1) through the access node');

      await backend.faults.powerOff(0);
      t.false(await tcpRoundTrip(client, '10.60.4.5', 7600, 2500), 'cut off with its access node powered off');
      const healed = await backend.znetReapply('znb');
      t.like(healed, { network: `${twin}/znb`, accessNode: 3, previousAccessNode: 0, updated: [2, 3], skipped: [0] });
      t.true(await reachesWithin(client, '10.60.4.5', 7600), 'reaches again through the new access node after re-apply');

      // The tunnel from farm 0 to farm 1 crosses their farm link (underlay ids: nodes 0..3, routers 4, 5).
      await backend.faults.cutLink(4, 5);
      t.false(await tcpRoundTrip(client, '10.60.4.5', 7600, 2500), 'a cut farm link stops the traffic across it');
      await backend.faults.healLink(4, 5);
      t.true(await reachesWithin(client, '10.60.4.5', 7600), 'healing the link restores it');

      await backend.faults.powerOn(0);
      t.deepEqual((await backend.znets())[0]!.staleMembers, [0], 'node 0 booted with the mesh it had');
      t.like(await backend.znetReapply(`${twin}/znb`), { accessNode: 3, updated: [0, 2, 3], skipped: [] });
      t.deepEqual((await backend.znets())[0]!.staleMembers, []);
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual(runLeftovers(run), [], 'no namespace, wireguard-go process or socket of the run remains');
  });
}
