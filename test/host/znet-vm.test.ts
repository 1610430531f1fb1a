// A VM zmachine's NIC in the Z-Net: a tap on the network resource's bridge in the node's namespace,
// qemu run there (workers/host/vm/nic.ts), the guest configured with the address the deployment asked
// for; a machine on another node gets its HTTP answer through WireGuard. Skips without qemu or the guest.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { HostZmachine } from '../../workers/host/zmachine/host-zmachine.js';
import { vmGuestOrReason } from './vm/vm-fixture.js';
import { createLab, httpBodyWithin, leftovers, planDocuments, znetSkipReason } from '../helpers/znet.js';

const guest = znetSkipReason() === undefined ? vmGuestOrReason() : undefined;
const skip = znetSkipReason() ?? (typeof guest === 'string' ? guest : undefined);
if (skip !== undefined) {
  test('VM zmachine in a Z-Net', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('a VM zmachine answers HTTP on its Z-Net address from a machine on another node', async (t) => {
    t.timeout(300_000);
    const { rootDir } = guest as Exclude<typeof guest, string | undefined>;
    const dir = mkdtempSync(join(tmpdir(), 'znet-vm-'));
    const lab = await createLab(2, 'e');
    const machines = new HostZmachine({ stateDir: join(dir, 'state'), monitorEveryS: 1, stopGraceS: 5 });
    try {
      const { docs } = planDocuments(lab, { name: 'vmz', ip_range: '10.70.0.0/16', nodes: [{ node: 0, public: true }, { node: 1, public: true }] });
      for (const n of [0, 1]) await lab.znet.applyNetwork(lab.nodes[n]!, `n${n}`, docs.get(n)!);
      const client = await lab.znet.attachMachine('n0', 'client', '10.70.2.9');
      const tap = await lab.znet.createTap('n1', 'vm');
      const startedMs = Date.now();
      const status = await machines.deploy({
        workloadId: 'znet_vm', rootDir, entrypoint: '/sbin/serve', cpu: 1, memoryBytes: 256 * 2 ** 20,
        nic: { kind: 'tap', ifname: tap, mac: '02:00:0a:46:03:05', netns: lab.nodes[1]!.name, ipCidr: '10.70.3.5/24', gateway: '10.70.3.1' },
      });
      t.is(status.mode, 'vm');
      const body = await httpBodyWithin(client, 'http://10.70.3.5:8080/', 240_000);
      t.log(`boot to first HTTP answer over the Z-Net: ${((Date.now() - startedMs) / 1000).toFixed(1)} s (${status.accel?.accel ?? '?'}; /dev/kvm ${existsSync('/dev/kvm') ? 'present' : 'absent'})`);
      t.is(body, 'hello from a VM zmachine\n');
    } finally {
      await machines.close();
      await lab.close();
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual(await leftovers(lab.prefix), []);
  });
}
