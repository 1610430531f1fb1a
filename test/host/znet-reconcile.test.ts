// Our reconciler heals a real Z-Net: on a Testbed over the host backend (nodes as namespaces, the owner's
// clock wall-paced), the access node's power-off leaves the hidden member cut off until the reconciler,
// seeing the access node lost in the backend's znets(), sends znet.reapply itself; the new mesh reaches
// the members that are up and the hidden client talks to the server machine again.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Testbed } from '../../scheduler/testbed.js';
import { WallPacedClock } from '../../sim/engine/realtime.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { networkWorkloads, planZNet } from '../../sim/network/znet/index.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { deploymentOf, machineNamespaceOf, publishRoot, reachesWithin, runLeftovers, tcpRoundTrip, zmachineIn, znetSkipReason } from '../helpers/znet.js';

const twin = 12;
const skip = znetSkipReason();
if (skip !== undefined) {
  test('Z-Net healed by the reconciler on hosts', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('the reconciler re-applies a real Z-Net whose access node went down, and the hidden member reaches again', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'znet-reconcile-'));
    // Farm 0: nodes 0 and 1 public, node 2 hidden.
    const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: 3, farms: [3], network: 'netns' });
    const run = backend.netns!.grid.names.run;
    const testbed = await Testbed.open({ backend, clock: new WallPacedClock(new Simulation()), seed: 1, transport: 'inprocess', reconcile: { intervalS: 1, downThresholdS: 1 } });
    try {
      const flist = await publishRoot(backend, dir, 'znet-rc', ['/bin/sh', '/bin/sleep', '/usr/bin/socat', '/bin/cat']);
      const net = planZNet({ name: 'rc', ip_range: '10.64.0.0/16', nodes: [0, 1, 2].map((node) => ({ node, wireguard_listen_port: 7900 + node })) }, { isPublic: (n) => n !== 2 });
      const docs = networkWorkloads(net);
      const nw = (node: number) => ({ name: 'rc', type: 'network', data: docs.get(node)! });
      // Straight to the backend: the reconciler then has Z-Nets to heal and no contract to move.
      const contracts = [
        await backend.createDeployment(0, deploymentOf(twin, [nw(0)])),
        await backend.createDeployment(1, deploymentOf(twin, [nw(1), zmachineIn('rc', 'server', flist, '10.64.3.5', '/usr/bin/socat TCP-LISTEN:7950,bind=10.64.3.5,reuseaddr,fork EXEC:/bin/cat')])),
        await backend.createDeployment(2, deploymentOf(twin, [nw(2), zmachineIn('rc', 'client', flist, '10.64.4.5', '/bin/sleep 1000')])),
      ];
      for (const { contractId } of contracts) t.true((await backend.settled(contractId, 120)).every((w) => w.state === 'ok'));
      const client = await machineNamespaceOf(run, '10.64.4.5');
      t.true(await reachesWithin(client, '10.64.3.5', 7950), 'hidden client → server through access node 0');

      // Node status times are wall seconds since the backend opened; the owner's virtual clock only moves
      // at events: bring it level with the backend's before the fault, so "down for 1 s" means that.
      await testbed.runUntil(backend.nowS());
      const off = await testbed.wait(await testbed.submit({ kind: 'node.powerOff', node: 0 }));
      t.is(off.state, 'ok');
      t.false(await tcpRoundTrip(client, '10.64.3.5', 7950, 2500), 'cut off while the access node is down');
      // A few wall seconds of steps: node 0 is lost after 1 s, the healer re-applies through node 1.
      await testbed.runUntil((await testbed.state()).nowS + 8);
      const audit = (await testbed.state()).audit ?? [];
      t.true(audit.some((a) => a.reason === 'znet-reapply' && a.network === `${twin}/rc`), JSON.stringify(audit.map((a) => [a.reason, a.detail])));
      t.like((await backend.znets())[0], { accessNode: 1, staleMembers: [] });
      t.true(await reachesWithin(client, '10.64.3.5', 7950), 'reaches again after the reconciler re-applied');
    } finally {
      await testbed.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual(runLeftovers(run), []);
  });
}
