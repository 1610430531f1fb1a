// The real two-step flow through the public path: deploy zdbs, read their results ({Namespace, IPs,
// Port}), deploy a qsfs naming them by those addresses, then store and retrieve through it. Over the
// in-process transport and over BullMQ on a private redis-server (results cross Redis as JSON).
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { openSimTestbed } from '../../scenarios/testbed.js';
import type { Deployment } from '../../sim/grid/deployment.js';
import type { TransportChoice } from '../../scheduler/testbed.js';
import type { Testbed } from '../../scheduler/testbed.js';
import type { WorkloadView } from '../../workers/backend.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { backendFromResult, zdbResultOf } from '../helpers/zdb-refs.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const twin = 70;
const key = 'cd'.repeat(32);

function doc(workloads: readonly { name: string; type: string; data: unknown }[]): Deployment {
  return { version: 0, twin_id: twin, contract_id: 0, metadata: '', description: '', workloads: workloads.map((w) => ({ version: 0, metadata: '', description: '', ...w })) } as unknown as Deployment;
}

async function deployOn(t: ExecutionContext, testbed: Testbed, node: number, d: Deployment): Promise<readonly WorkloadView[]> {
  const result = await testbed.wait(await testbed.deploy(d, { node }));
  t.is(result.state, 'ok', JSON.stringify(result));
  return (result.value as { workloads: readonly WorkloadView[] }).workloads;
}

/** Step one: zdbs on nodes 0, 1, 2, 5, 6 in their own deployments; answers each result as a backend entry. */
async function zdbs(t: ExecutionContext, testbed: Testbed, node: number, names: string[], mode: 'seq' | 'user') {
  const views = await deployOn(t, testbed, node, doc(names.map((name) => ({ name, type: 'zdb', data: { size: 10 * GiB, mode, password: 'pw', public: false } }))));
  const results = views.map(zdbResultOf);
  for (const r of results) {
    t.regex(r.IPs[0]!, /^302:/, 'a Yggdrasil address, as the real 0-db container has');
    t.is(r.Port, 9900);
  }
  return results.map((r) => backendFromResult(r, 'pw'));
}

async function twoStep(t: ExecutionContext, transport: TransportChoice): Promise<void> {
  const { testbed } = await openSimTestbed({ seed: 21, transport });
  try {
    const data = [...(await zdbs(t, testbed, 1, ['d1'], 'seq')), ...(await zdbs(t, testbed, 2, ['d2'], 'seq')), ...(await zdbs(t, testbed, 5, ['d5'], 'seq')), ...(await zdbs(t, testbed, 6, ['d6'], 'seq'))];
    const meta = await zdbs(t, testbed, 0, ['m1', 'm2', 'm3', 'm4'], 'user');
    t.is(new Set(data.map((b) => b.address)).size, 4, 'each node\'s 0-db has its own address');
    const config = {
      minimal_shards: 2, expected_shards: 4, redundant_groups: 0, redundant_nodes: 0, max_zdb_data_dir_size: 512,
      encryption: { algorithm: 'AES', key },
      meta: { type: 'zdb', config: { prefix: 'qs', encryption: { algorithm: 'AES', key }, backends: meta } },
      groups: [{ backends: data }],
      compression: { algorithm: 'snappy' },
    };
    // Step two, in a deployment of its own on a node without HDDs.
    const qsfsResult = await testbed.wait(await testbed.deploy(doc([{ name: 'qs', type: 'qsfs', data: { cache: GiB, config } }]), { node: 3 }));
    t.is(qsfsResult.state, 'ok', JSON.stringify(qsfsResult));
    const contractId = (qsfsResult.value as { contractId: number }).contractId;
    const qsfs = `${twin}-${contractId}-qs`;
    const stored = await testbed.wait(await testbed.submit({ kind: 'zstor.store', qsfs, path: '/a', sizeBytes: 3 * MiB }));
    t.is(stored.state, 'ok', JSON.stringify(stored));
    const back = await testbed.wait(await testbed.submit({ kind: 'zstor.retrieve', qsfs, path: '/a' }));
    t.deepEqual([back.state, back.value], ['ok', { sizeBytes: 3 * MiB }]);
  } finally {
    await testbed.close();
  }
}

test('in-process: zdbs first, then a qsfs over their returned addresses stores and retrieves', (t) => twoStep(t, 'inprocess'));

test('BullMQ: the same flow, results carried through Redis', (t) => twoStep(t, { redis: t.context.redis.url }));
