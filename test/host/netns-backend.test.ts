// HostBackend with network 'netns' (issue 17, "Nodes as hosts"): each node's 0-db runs inside its
// node's namespace on the node's address, the owner reaches it there; a power-off kills the node's
// processes and takes its link down, power-on brings it back with its data; a cut between farms stops
// node-to-node traffic across it (the owner keeps its own uplinks); the gateway answers on the node's
// address, port 80, and reaches its backend from inside its node; close leaves nothing. Skips unless root with iproute2.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostBackend } from '../../workers/host-backend/index.js';
import type { Deployment } from '../../workers/operations.js';
import { gatewayDomain } from '../../sim/network/grid-network-public.js';
import { httpServerIn, leftoversOf, netnsSkipReason, tcpReaches } from '../helpers/netns.js';

const skip = netnsSkipReason();
// Concurrent: every grid has its own run id, address slot and namespaces.
const maybe = skip === undefined ? test : test.skip;
if (skip !== undefined) test('netns backend', (t) => t.log(skip));

const dir = mkdtempSync(join(tmpdir(), 'netns-backend-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function doc(twin: number, workloads: readonly { name: string; type: string; data: unknown }[]): Deployment {
  return { version: 0, twin_id: twin, contract_id: 0, metadata: '', description: '', workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })) } as unknown as Deployment;
}

/** One GET with a Host header; the status, or null without an answer. */
function get(host: string, port: number, hostHeader: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/', headers: { host: hostHeader }, timeout: 2000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

test('bad network options are refused naming the field', async (t) => {
  await t.throwsAsync(HostBackend.open({ dataDir: join(dir, 'bad'), nodes: 1, network: 'vlan' as never }), { message: /field network: must be loopback or netns/ });
  if (skip === undefined) {
    await t.throwsAsync(HostBackend.open({ dataDir: join(dir, 'bad'), nodes: 256, network: 'netns' }), { message: /field farms: .*at most 252 nodes, got 256/ });
  }
});

maybe('nodes as hosts: 0-db at the node address, power and link faults are real, the gateway answers on port 80, close leaves nothing', async (t) => {
  // Node 0 in farm 0, nodes 1 and 2 in farm 1; underlay ids 3 and 4 are the farms' site routers.
  const backend = await HostBackend.open({ dataDir: join(dir, 'grid'), nodes: 3, farms: [1, 2], network: 'netns' });
  const run = backend.netns!.grid.names.run;
  try {
    const [ns0, ns1, ns2] = [0, 1, 2].map((n) => backend.nodeNamespace(n)!);
    const { contractId } = await backend.createDeployment(1, doc(50, [{ name: 'db', type: 'zdb', data: { size: 2 ** 20, mode: 'user', password: 'pw', public: false } }]));
    const [zdb] = await backend.settled(contractId, 60);
    t.is(zdb!.state, 'ok', JSON.stringify(zdb));
    t.like(zdb!.data as object, { IPs: [ns1!.address], Port: 9900 });
    const namespace = `50-${contractId}-db`;
    await backend.zdbSet(namespace, 'k', { sizeBytes: 100, tag: 'v1' });
    t.like(await backend.zdbGet(namespace, 'k'), { sizeBytes: 100, tag: 'v1' });
    t.true(await tcpReaches(ns1!.address, 9900, ns0), 'node 0 (farm 0) reaches node 1\'s 0-db (farm 1)');

    await backend.faults.cutLink(3, 4);
    t.false(await tcpReaches(ns1!.address, 9900, ns0), 'farm link cut: no path from farm 0 to farm 1');
    t.true(await tcpReaches(ns1!.address, 9900, ns2), 'inside farm 1 still fine');
    t.like(await backend.zdbGet(namespace, 'k'), { tag: 'v1' }, 'the owner keeps its own uplink to every farm');
    await backend.faults.healLink(3, 4);
    t.true(await tcpReaches(ns1!.address, 9900, ns0), 'healed');
    await backend.faults.partitionFarms([0]);
    t.false(await tcpReaches(ns1!.address, 9900, ns0), 'partitioned');
    await backend.faults.healPartition();
    t.true(await tcpReaches(ns1!.address, 9900, ns0), 'partition healed');

    await backend.faults.powerOff(1);
    t.deepEqual(await backend.netns!.grid.nodePids(1), [], 'nothing runs in a powered-off node');
    t.false(await tcpReaches(ns1!.address, 9900, ns2), 'a powered-off node does not answer');
    await t.throwsAsync(backend.zdbGet(namespace, 'k'));
    await backend.faults.powerOn(1);
    t.like(await backend.zdbGet(namespace, 'k'), { tag: 'v1' }, 'back with its data');

    // Node 2's gateway (farm 1) answers on its own address, port 80, and proxies to a web server in
    // node 0 (farm 0) from inside node 2: a partition cuts its way there although this process still
    // reaches both nodes through its uplinks.
    const web = await httpServerIn(ns0!, 8080);
    try {
      const { contractId: gw } = await backend.createDeployment(2, doc(70, [{ name: 'web', type: 'gateway-name-proxy', data: { name: 'app', tls_passthrough: false, backends: [`http://${ns0!.address}:8080`] } }]));
      t.deepEqual((await backend.settled(gw, 60)).map((w) => w.state), ['ok']);
      const app = `app.${gatewayDomain(2)}`;
      t.is(await get(ns2!.address, 80, app), 200, 'the gateway at the node address proxies to node 0');
      t.is(await get(ns2!.address, 80, 'nobody.example.org'), 404);
      await backend.faults.partitionFarms([0]);
      t.is(await get(ns2!.address, 80, app), 502, 'the gateway\'s way to its backend starts in node 2 and crosses the cut');
      await backend.faults.healPartition();
      t.is(await get(ns2!.address, 80, app), 200);
      await backend.faults.powerOff(2);
      t.is(await get(ns2!.address, 80, app), null, 'nothing answers once the gateway\'s node is off');
    } finally {
      web.stop();
    }
  } finally {
    await backend.close();
  }
  t.deepEqual(leftoversOf(run), []);
});

maybe('zdb process: the 0-db is a process inside its node\'s namespace (listed by ip netns pids), reached at the node address', async (t) => {
  const backend = await HostBackend.open({ dataDir: join(dir, 'process'), nodes: 1, network: 'netns', zdb: 'process' });
  const run = backend.netns!.grid.names.run;
  try {
    const ns = backend.nodeNamespace(0)!;
    t.true((await backend.netns!.grid.nodePids(0)).length >= 2, 'the watchdog shell and 0-db');
    const { contractId } = await backend.createDeployment(0, doc(50, [{ name: 'db', type: 'zdb', data: { size: 2 ** 20, mode: 'user', password: 'pw', public: false } }]));
    t.deepEqual((await backend.settled(contractId, 60)).map((w) => w.state), ['ok']);
    await backend.zdbSet(`50-${contractId}-db`, 'k', { sizeBytes: 10 });
    t.true(await tcpReaches(ns.address, 9900));
    await backend.faults.crash(0);
    t.deepEqual(await backend.netns!.grid.nodePids(0), []);
  } finally {
    await backend.close();
  }
  t.deepEqual(leftoversOf(run), []);
});
