// The gateway in front of a Z-Net backend on hosts: a name proxy on node 0 with `network` set forwards
// to a machine's private address on node 1, dialling from node 0's network resource through WireGuard
// (as zos's gateway reaches a private backend from the network it joined); 200 while the backend's node
// runs, no 200 once it is off.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { networkWorkloads, planZNet } from '../../sim/network/znet/index.js';
import { packDir, serializeFlist } from '../../workers/host/flist/index.js';
import { HostBackend } from '../../workers/host-backend/index.js';
import { buildMinimalRoot } from '../../workers/host/zmachine/index.js';
import { deploymentOf, runLeftovers, zmachineIn, znetSkipReason } from '../helpers/znet.js';

const twin = 14;
const host = 'zapp.gw0.grid.test';

async function status(backend: HostBackend, timeoutMs: number, want: (s: number | null) => boolean): Promise<number | null> {
  const startMs = Date.now();
  let last: number | null = null;
  while (Date.now() - startMs < timeoutMs) {
    last = (await backend.gatewayRequest(host)).status;
    if (want(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}

const skip = znetSkipReason();
if (skip !== undefined) {
  test('gateway in front of a Z-Net backend on hosts', (t) => t.pass(`skipped: ${skip}`));
} else {
  test('a name proxy reaches a backend inside a Z-Net: 200, and no 200 once the backend node is off', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'znet-gateway-'));
    const backend = await HostBackend.open({ dataDir: join(dir, 'data'), nodes: 2, farms: [2], network: 'netns' });
    const run = backend.netns!.grid.names.run;
    try {
      const root = join(dir, 'root');
      buildMinimalRoot(root, ['/bin/sh', '/usr/bin/socat']);
      writeFileSync(join(root, 'reply.sh'), "#!/bin/sh\nprintf 'HTTP/1.0 200 OK\\r\\n\\r\\nhello from the Z-Net\\n'\n");
      chmodSync(join(root, 'reply.sh'), 0o755);
      const packed = await packDir(root, backend.hubServer!.hub);
      await backend.hubServer!.hub.putFlist('znet-web', Buffer.from(serializeFlist(packed.meta)));
      const net = planZNet({ name: 'gwn', ip_range: '10.65.0.0/16', nodes: [0, 1].map((node) => ({ node, wireguard_listen_port: 7600 + node })) }, { isPublic: () => true });
      const docs = networkWorkloads(net);
      const web = await backend.createDeployment(1, deploymentOf(twin, [{ name: 'gwn', type: 'network', data: docs.get(1)! }, zmachineIn('gwn', 'web', backend.flistUrl('znet-web'), '10.65.3.5', '/usr/bin/socat TCP-LISTEN:8080,bind=10.65.3.5,reuseaddr,fork EXEC:/reply.sh')]));
      const gw = await backend.createDeployment(0, deploymentOf(twin, [
        { name: 'gwn', type: 'network', data: docs.get(0)! },
        { name: 'proxy', type: 'gateway-name-proxy', data: { name: 'zapp', tls_passthrough: false, backends: ['http://10.65.3.5:8080'], network: 'gwn' } },
      ]));
      for (const { contractId } of [web, gw]) {
        const workloads = await backend.settled(contractId, 120);
        t.true(workloads.every((w) => w.state === 'ok'), JSON.stringify(workloads));
      }
      t.is(await status(backend, 20_000, (s) => s === 200), 200, 'the gateway answers 200 from the backend inside the Z-Net');
      await backend.faults.powerOff(1);
      t.not(await status(backend, 20_000, (s) => s !== 200), 200, 'no 200 once the backend node is off');
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
    t.deepEqual(runLeftovers(run), []);
  });
}
