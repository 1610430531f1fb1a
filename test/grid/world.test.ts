// The grid end to end: the real example document through contract, provision engine and managers.
import test from 'ava';
import type { Deployment } from '../../sim/grid/deployment.js';
import { smallWorld, exampleDeployment, fixedExample, states } from '../helpers/world.js';
import { backendFromResult, zdbResultOf } from '../helpers/zdb-refs.js';

test('the shared example is rejected naming the zmachine size; with size 0 it deploys ok', (t) => {
  const world = smallWorld();
  t.throws(() => world.deploy(0, exampleDeployment()), { message: /testzmachine.*size|size.*testzmachine/ });
  const contractId = world.deploy(0, fixedExample());
  world.sim.run({ untilS: 600 });
  t.deepEqual(states(world, 0, contractId), { zmountiaia: 'ok', testznetwork: 'ok', testzmachine: 'ok' });
  const vm = world.provision.workloadState(0, contractId, 'testzmachine')!;
  t.deepEqual(vm.history.map((r) => r.state), ['init', 'ok']);
  // Boot fetched the flist over the hub: it took virtual time, not zero.
  t.true(vm.created > 0);
});

test('the zmount is attached to the VM: growing it is refused as unchanged until the VM is gone', (t) => {
  const world = smallWorld();
  const doc = fixedExample();
  const contractId = world.deploy(0, doc);
  world.sim.run({ untilS: 600 });
  const grown = {
    ...doc,
    contract_id: contractId,
    version: 1,
    workloads: doc.workloads.map((w) => (w.type === 'zmount' ? { ...w, version: 1, data: { size: 2 * 10737418240 } } : w)),
  };
  world.update(0, grown);
  world.sim.run({ untilS: 1200 });
  const disk = world.provision.workloadState(0, contractId, 'zmountiaia')!;
  t.is(disk.state, 'unchanged');
  t.regex(disk.message, /delete the VM first/);
});

test('qsfs end to end: zdb backends on storage nodes, a frontend that stores and reads through them', (t) => {
  const world = smallWorld();
  const GiB = 2 ** 30;
  const zdb = (name: string) => ({ version: 0, name, type: 'zdb', metadata: '', description: '', data: { size: 50 * GiB, mode: 'seq', password: 'pw', public: false } });
  const backendsOn = (node: number, names: string[]): [number, number] => {
    const contractId = world.deploy(node, { version: 0, twin_id: 60, contract_id: 0, metadata: '', description: '', workloads: names.map(zdb) } as unknown as Deployment);
    return [node, contractId];
  };
  // Two storage-heavy nodes (5, 6) and two farmer servers (1, 2): four nodes, two namespaces each.
  const contracts = [backendsOn(5, ['d1', 'd2']), backendsOn(6, ['d3', 'd4']), backendsOn(1, ['d5', 'd6']), backendsOn(2, ['m1', 'm2'])];
  world.sim.run({ untilS: 60 });
  // The client reads each zdb's result and names it in the qsfs by its address and namespace.
  const namespaces = contracts.flatMap(([node, id]) => world.provision.deployment(node, id)!.workloads.map((w) => backendFromResult(zdbResultOf({ data: w.result?.data }), 'pw')));
  const backend = (entry: ReturnType<typeof backendFromResult>) => entry;
  const config = {
    minimal_shards: 2,
    expected_shards: 4,
    redundant_groups: 0,
    redundant_nodes: 0,
    max_zdb_data_dir_size: 512,
    encryption: { algorithm: 'AES', key: '0'.repeat(64) },
    meta: { type: 'zdb', config: { prefix: 'qs', encryption: { algorithm: 'AES', key: '0'.repeat(64) }, backends: [namespaces[0], namespaces[2], namespaces[4], namespaces[6]].map((n) => backend(n!)) } },
    groups: [{ backends: namespaces.slice(0, 6).map(backend) }],
    compression: { algorithm: 'snappy' },
  };
  const qsfsDoc = { version: 0, twin_id: 60, contract_id: 0, metadata: '', description: '', workloads: [{ version: 0, name: 'qs', type: 'qsfs', metadata: '', description: '', data: { cache: 10 * GiB, config } }] } as unknown as Deployment;
  const id = world.deploy(0, qsfsDoc);
  world.sim.run({ untilS: 120 });
  t.is(states(world, 0, id).qs, 'ok', world.provision.workloadState(0, id, 'qs')?.message);
  const instance = world.qsfs.instance(`60-${id}-qs`)!;
  instance.frontend.write('/data/a', 64 * 2 ** 20);
  world.sim.run({ untilS: 3600 });
  t.is(instance.frontend.fileState('/data/a'), 'uploaded');
});
