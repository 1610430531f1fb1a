// A container-mode zmachine with a Z-Net NIC: its process starts inside the machine's namespace (the
// zmachine launch path: cgroup gate, unshare + chroot, `ip netns exec`), binds its Z-Net address, and
// a machine on another node reaches it through WireGuard; so does a process CoreX starts in it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { HostZmachine } from '../../workers/host/zmachine/host-zmachine.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/minimal-root.js';
import { createLab, leftovers, planDocuments, reachesWithin, znetSkipReason } from '../helpers/znet.js';

const skip = znetSkipReason();
if (skip !== undefined) {
  test('Z-Net zmachine NIC on this host', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('a zmachine listens on its Z-Net address and a machine on another node reaches it', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'znet-machine-'));
    const lab = await createLab(2, 'c');
    const machines = new HostZmachine({ stateDir: join(dir, 'state'), stopGraceS: 0.3 });
    try {
      const { docs } = planDocuments(lab, { name: 'vmnet', ip_range: '10.40.0.0/16', nodes: [{ node: 0, public: true }, { node: 1, public: true }] });
      for (const n of [0, 1]) await lab.znet.applyNetwork(lab.nodes[n]!, `n${n}`, docs.get(n)!);
      const client = await lab.znet.attachMachine('n0', 'client', '10.40.2.7');
      const nic = await lab.znet.attachMachine('n1', 'server', '10.40.3.9');
      const rootDir = join(dir, 'root');
      buildMinimalRoot(rootDir, ['/bin/sh', '/usr/bin/socat', '/bin/cat']);
      const status = await machines.deploy({
        workloadId: 'znet_server',
        rootDir,
        entrypoint: '/usr/bin/socat TCP-LISTEN:7100,bind=10.40.3.9,reuseaddr,fork EXEC:/bin/cat',
        netns: nic.name,
      });
      t.is(status.state, 'running');
      t.true(await reachesWithin(client, '10.40.3.9', 7100), 'the machine answers on its Z-Net address from the other node');
      // A process CoreX starts inside the machine shares its network namespace (nsenter --net).
      await machines.exec('znet_server', '/usr/bin/socat TCP-LISTEN:7101,bind=10.40.3.9,reuseaddr,fork EXEC:/bin/cat');
      t.true(await reachesWithin(client, '10.40.3.9', 7101), 'a CoreX process listens on the Z-Net address too');
    } finally {
      await machines.close();
      await lab.close();
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual(await leftovers(lab.prefix), []);
  });
}
