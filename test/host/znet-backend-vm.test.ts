// A VM zmachine deployed through the HostBackend with nodes as namespaces: the flist holds a kernel, so
// it boots under qemu with a tap on its network resource's bridge at the address the deployment asked
// for, and a container zmachine on another node gets its HTTP answer through the Z-Net. Skips without
// root, wireguard-go, qemu or the test guest (scripts/build-vm-guest.sh).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { networkWorkloads, planZNet } from '../../sim/network/znet/index.js';
import type { Deployment } from '../../workers/operations.js';
import { packDir, serializeFlist } from '../../workers/host/flist/index.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/index.js';
import { ipNetnsNamespace, listNamespaces, run } from '../../workers/host/znet/index.js';
import { vmGuestOrReason } from './vm/vm-fixture.js';
import { httpBodyWithin, znetSkipReason } from '../helpers/znet.js';

const MiB = 2 ** 20;
const guest = znetSkipReason() === undefined ? vmGuestOrReason() : undefined;
const skip = znetSkipReason() ?? (typeof guest === 'string' ? guest : undefined);

function deployment(workloads: readonly { name: string; type: string; data: unknown }[]): Deployment {
  return { version: 0, twin_id: 11, contract_id: 0, metadata: '', description: '', workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })) } as unknown as Deployment;
}

function machine(name: string, flist: string, ip: string, entrypoint: string) {
  return { name, type: 'zmachine', data: { flist, entrypoint, size: 0, env: {}, mounts: [], compute_capacity: { cpu: 1, memory: 256 * MiB }, network: { public_ip: '', planetary: false, interfaces: [{ network: 'vmn', ip }] } } };
}

if (skip !== undefined) {
  test('VM zmachine in a Z-Net through the host backend', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('host backend: a VM zmachine answers on its Z-Net address', async (t) => {
    t.timeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'znet-backend-vm-'));
    const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: 2, farms: [2], network: 'netns' });
    const runId = backend.netns!.grid.names.run;
    try {
      const hub = backend.hubServer!.hub;
      const vmPacked = await packDir((guest as Exclude<typeof guest, string | undefined>).rootDir, hub);
      await hub.putFlist('znet-vm', Buffer.from(serializeFlist(vmPacked.meta)));
      const root = join(dir, 'root');
      buildMinimalRoot(root, ['/bin/sh', '/bin/sleep']);
      const packed = await packDir(root, hub);
      await hub.putFlist('znet-ct', Buffer.from(serializeFlist(packed.meta)));

      const net = planZNet({ name: 'vmn', ip_range: '10.62.0.0/16', nodes: [0, 1].map((node) => ({ node, wireguard_listen_port: 7800 + node })) }, { isPublic: () => true });
      const docs = networkWorkloads(net);
      const startedMs = Date.now();
      const vm = await backend.createDeployment(1, deployment([{ name: 'vmn', type: 'network', data: docs.get(1)! }, machine('web', backend.flistUrl('znet-vm'), '10.62.3.5', '/sbin/serve')]));
      const ct = await backend.createDeployment(0, deployment([{ name: 'vmn', type: 'network', data: docs.get(0)! }, machine('client', backend.flistUrl('znet-ct'), '10.62.2.5', '/bin/sleep 1000')]));
      for (const { contractId } of [vm, ct]) {
        const workloads = await backend.settled(contractId, 120);
        t.true(workloads.every((w) => w.state === 'ok'), JSON.stringify(workloads));
      }
      // The VM's tap is on node 1's NR bridge, qemu in node 1's namespace.
      t.regex(await run(['ip', '-n', backend.nodeNamespace(1)!.name, '-o', 'link', 'show', 'type', 'tun']), new RegExp(`zn${runId}-t\\d+`));
      const clientNs = (await listNamespaces()).find((ns) => ns.startsWith(`zn${runId}-m`))!;
      const body = await httpBodyWithin(ipNetnsNamespace(clientNs, '10.62.2.5'), 'http://10.62.3.5:8080/', 240_000);
      t.log(`deploy to first HTTP answer over the Z-Net: ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
      t.is(body, 'hello from a VM zmachine\n');
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual((await listNamespaces()).filter((ns) => ns.includes(runId)), []);
  });
}
